//! The English text of every message.

use super::*;

fn shape(s: Shape) -> &'static str {
    match s {
        Shape::Empty => "an empty value",
        Shape::Scalar => "a scalar",
        Shape::List => "a list",
        Shape::Mapping => "a mapping",
    }
}

fn expected(e: &Expected) -> String {
    match e {
        Expected::Text => "text".into(),
        Expected::Date => "a date (YYYY-MM-DD)".into(),
        Expected::Integer => "an integer".into(),
        Expected::Money => "an amount in yuan (a non-negative number)".into(),
        Expected::Bool => "true or false".into(),
        Expected::OneOf(v) => format!("one of: {}", v.join(", ")),
        Expected::CreditCode => "an 18-character unified social credit code".into(),
        Expected::CmaNumber => "a 12-digit CMA certificate number".into(),
        Expected::RecordId => "the id of a record".into(),
        Expected::Url => "an http(s) URL".into(),
        Expected::Geo => "a location {lat, lon}".into(),
        Expected::Mapping => "a mapping".into(),
    }
}

pub(super) fn personal(k: Kind) -> &'static str {
    match k {
        Kind::Mobile => "a mobile phone number",
        Kind::ResidentId => "a resident identity number",
    }
}

pub(super) fn id_problem(p: &IdProblem) -> String {
    match p {
        IdProblem::Length { found, max } => {
            format!("an id has 1 to {max} characters, found {found}")
        }
        IdProblem::Char { id, ch } => format!(
            "id \"{}\" contains {ch:?}; ids use only a-z, 0-9, '-' and '_'",
            id.escape_debug()
        ),
        IdProblem::Start { id } => format!("id \"{id}\" must start with a letter or digit"),
    }
}

pub(super) fn credit_code(p: &CreditCodeProblem) -> String {
    match p {
        CreditCodeProblem::Length { found } => {
            format!("a credit code has 18 characters, found {found}")
        }
        CreditCodeProblem::Char { pos, ch, allowed } => {
            format!("character {pos} ('{ch}') is not allowed in a credit code (allowed: {allowed})")
        }
        CreditCodeProblem::Check { found, want } => format!(
            "check character is '{found}' but GB 32100 gives '{want}' (a typo in the code?)"
        ),
    }
}

pub(super) fn cma(p: &CmaProblem) -> String {
    match p {
        CmaProblem::Shape { number } => format!(
            "a CMA certificate number is 12 digits (year, authority, field, industry, serial), found \"{number}\""
        ),
        CmaProblem::Authority { code } => format!(
            "issuing authority code {code} is not 00 (national) or a province code 01–31"
        ),
        CmaProblem::Year { year, latest_year, latest } => format!(
            "year of issue {year} is after {latest_year}, the year of the record's latest notice date ({latest})"
        ),
    }
}

pub(super) fn yaml(p: &YamlProblem) -> String {
    match p {
        YamlProblem::Syntax(s) => s.clone(),
        YamlProblem::SecondDocument => "a data file holds one YAML document; found a second one (`---`): put one record, or a list of records, in each file".into(),
        YamlProblem::TooDeep { max } => format!("nesting is deeper than {max} levels"),
        YamlProblem::Unbalanced => "unbalanced YAML structure".into(),
        YamlProblem::UnknownAnchor => "alias to an unknown anchor".into(),
        YamlProblem::AliasBomb { budget, per_byte, min_mib, max_mib } => format!(
            "aliases expand to more than {budget} bytes of text at this one (limit: {per_byte} × the file's size, within {min_mib}–{max_mib} MiB): alias expansion bomb? Write long repeated texts out"
        ),
        YamlProblem::TooManyValues { max } => {
            format!("the file expands to more than {max} values (alias expansion bomb?)")
        }
        YamlProblem::KeyNotText => "mapping keys must be plain text".into(),
        YamlProblem::DuplicateKey { key, first } => {
            format!("duplicate key \"{key}\" (first given on line {first})")
        }
    }
}

pub(super) fn site(p: &SiteProblem) -> String {
    use SiteProblem as P;
    match p {
        P::CollectionKey => "a collection key must be a slug (a-z, 0-9, '-', '_')".into(),
        P::ReservedCollection { reserved } => format!(
            "the key is a folder the build writes itself; use another (reserved: {reserved})"
        ),
        P::NotAField { what, name } => format!("{what} \"{name}\" is not one of its fields"),
        P::ReservedField { key, reserved } => {
            format!("field \"{key}\" is reserved for notice data (reserved: {reserved})")
        }
        P::ValuesFrom { key, name } => {
            format!("field \"{key}\": values_from \"{name}\" is not a list under `enums`")
        }
        P::EnumValues { key } => format!("field \"{key}\": an enum needs `values` or `values_from`"),
        P::RefTarget { key, collections } => {
            format!("field \"{key}\": a ref needs `to:` naming a collection ({collections})")
        }
        P::NestedExpires { key } => {
            format!("field \"{key}\": `expires` belongs on a collection's own fields")
        }
        P::ObjectFields { key } => format!("field \"{key}\": an object needs `fields:`"),
        P::UnknownType { key, ty } => format!(
            "field \"{key}\": unknown type \"{ty}\" (text, markdown, date, integer, money, bool, enum, credit_code, cma_number, ref, url, geo, object)"
        ),
        P::Facet { key, value } => {
            format!("field \"{key}\": facet \"{value}\" is not true, false or year")
        }
        P::Identifier { key, value } => {
            format!("field \"{key}\": identifier \"{value}\" is not true or decision_number")
        }
        P::PersonalWhen { key, field } => {
            format!("field \"{key}\": personal.when names unknown field \"{field}\"")
        }
        P::PersonalMask { key, value } => {
            format!("field \"{key}\": personal \"{value}\" is not omit or keep_first_char")
        }
        P::OrganisationField { key } => {
            format!("field \"{key}\": `organisation` belongs on a single credit_code field")
        }
        P::OrganisationName { key, name } => format!(
            "field \"{key}\": organisation.name \"{name}\" is not a single text field of the collection"
        ),
        P::NoticeField { name } => format!("notice rule names unknown field \"{name}\""),
        P::NoticeCondition { field } => {
            format!("notice condition on \"{field}\" needs only, in, below or present")
        }
        P::PeriodNumber { value } => {
            format!("period \"{value}\" is not a number followed by d, m or y, or \"forever\"")
        }
        P::PeriodUnit { value } => {
            format!("period \"{value}\" must end in d (days), m (months) or y (years)")
        }
        P::Field { key, detail } => format!("field \"{key}\": {detail}"),
        P::National { detail } => detail.clone(),
        P::NamesBoth { key } => {
            format!("field \"{key}\" is in both names_self and names_party")
        }
        P::PageSize => "site.page_size must be at least 1".into(),
    }
}

pub(super) fn msg(m: &Msg) -> String {
    let hint = |s: &Option<String>| suggestion(s, Lang::En);
    match m {
        Msg::StrayEntry => {
            "not read: only folders named after collections belong directly under data/".into()
        }
        Msg::UnknownFolder { name, known, suggestion } => format!(
            "folder \"{name}\" matches no collection in site.yaml (collections: {known}){}",
            hint(suggestion)
        ),
        Msg::CannotRead { error } => format!("cannot read: {error}"),
        Msg::Symlink => {
            "symbolic link not followed: data must be real files inside the site".into()
        }
        Msg::NotYaml => "not read: data files end in .yaml or .yml".into(),
        Msg::CaseCollision { other } => format!(
            "file name differs only by case from {}: such files collide on Windows and macOS checkouts",
            other.display()
        ),
        Msg::FileTooLarge { size, max } => format!(
            "file is {size} bytes, over the limit of {max} bytes: split it into smaller files"
        ),
        Msg::Utf16 => "file is UTF-16: save it as UTF-8".into(),
        Msg::InvalidUtf8 { offset } => {
            format!("invalid UTF-8 at byte offset {offset}: save the file as UTF-8")
        }
        Msg::NulByte { offset } => {
            format!("NUL byte at byte offset {offset}: this is not a text file")
        }
        Msg::Yaml(p) => format!("YAML syntax: {}", yaml(p)),
        Msg::EmptyFile => "empty file: no records".into(),
        Msg::SingleValue => {
            "expected a record (a mapping) or a list of records, found a single value".into()
        }
        Msg::NotARecord { found } => {
            format!("expected a record (a mapping), found {}", shape(*found))
        }
        Msg::MissingId => "record has no `id`".into(),
        Msg::BadId(p) => id_problem(p),
        Msg::IdNotText { found } => format!("expected a text id, found {}", shape(*found)),
        Msg::UnknownField { key, collection, suggestion } => format!(
            "unknown field \"{key}\" in collection \"{collection}\"{}",
            hint(suggestion)
        ),
        Msg::UnknownSubfield { key, suggestion } => {
            format!("unknown field \"{key}\"{}", hint(suggestion))
        }
        Msg::MissingField { key, label } => {
            format!("required field \"{key}\" ({label}) is missing")
        }
        Msg::MissingPublished => {
            "required field \"published\" (the day the notice starts) is missing".into()
        }
        Msg::NotAList { item, found } => {
            format!("expected a list of {item}, found {}", shape(*found))
        }
        Msg::EmptyList => "required list is empty".into(),
        Msg::NotAMapping { keys, found } => {
            format!("expected a mapping of {keys}, found {}", shape(*found))
        }
        Msg::WrongShape { expected: e, found } => {
            format!("expected {}, found {}", expected(e), shape(*found))
        }
        Msg::BadGeo => "expected a location {lat: -90..90, lon: -180..180}".into(),
        Msg::NotARealDate { value } => format!("\"{value}\" is not a real calendar date"),
        Msg::DateFormat { value } => format!("expected a date as YYYY-MM-DD, found \"{value}\""),
        Msg::NotAnInteger { value } => format!("expected an integer, found \"{value}\""),
        Msg::NotMoney { value } => format!(
            "expected an amount in yuan (e.g. 5000 or 1234.5), found \"{value}\""
        ),
        Msg::NotBool { value } => format!("expected true or false, found \"{value}\""),
        Msg::NotInEnum { value, allowed, suggestion } => {
            let allowed = allowed.join(", ");
            format!("\"{value}\" is not one of: {allowed}{}", hint(suggestion))
        }
        Msg::BadCreditCode { value, problem } => {
            format!("invalid credit code \"{value}\": {}", credit_code(problem))
        }
        Msg::BadCmaNumber(p) => format!("invalid CMA number: {}", cma(p)),
        Msg::BadUrl { value } => format!("expected an http(s) URL, found \"{value}\""),
        Msg::BadWithdrawal => "expected a mapping with `date` and `reason`".into(),
        Msg::BadCorrection => "each correction needs `date` and `summary`".into(),
        Msg::HistoryNotAList => "expected a list of corrections".into(),
        Msg::BadPeriod(p) => site(p),
        Msg::IdHoldsPersonal { kind } => format!(
            "the id is part of the record's URL and holds what looks like {}: choose another id",
            personal(*kind)
        ),
        Msg::PersonalNumber { kind, masked } => format!(
            "contains what looks like {} \"{masked}\", masked in every output: remove it, or move it to a field marked `personal`",
            personal(*kind)
        ),
        Msg::DuplicateId { id, file, line } => {
            format!("duplicate id \"{id}\": also used at {}:{line}", file.display())
        }
        Msg::NotUnique { value, other, file, line } => format!(
            "value \"{value}\" must be unique but record \"{other}\" ({}:{line}) has it too",
            file.display()
        ),
        Msg::UnknownRef { id, collection, suggestion } => format!(
            "refers to \"{id}\", which is not a record of \"{collection}\"{}",
            hint(suggestion)
        ),
        Msg::NoCalendarYear { year } => format!(
            "cannot check timeliness: the holiday calendar has no data for {year}: add {year}.json to the calendar folder once the State Council announces it"
        ),
        Msg::LateNotice { published, days, label, decided, limit } => format!(
            "published {published}, {days} working days after the {label} {decided}; the limit is {limit} working days"
        ),
        Msg::StatusLapsed(lapsed) => {
            let Lapsed { label, value, date_label, within, last, as_of, becomes } = &**lapsed;
            let date_label = match within {
                Some(w) => format!("latest {date_label}（{w}）"),
                None => date_label.clone(),
            };
            format!(
                "{label} is recorded as \"{value}\" but its {date_label} is {last}, before the as-of date {as_of}: pages and datasets show \"{becomes}\"; update the record"
            )
        }
        Msg::CalendarUnreadable { detail } => format!("holiday calendar: {detail}"),
        Msg::PreviousIgnored { detail } => {
            format!("earlier build's manifest ignored, no change list: {detail}")
        }
        Msg::BadPageName { slug, reserved } => format!(
            "page name \"{slug}\" must be a slug (a-z, 0-9, '-') and not a collection or reserved path ({reserved})"
        ),
        Msg::NoFrontMatter => "a content page starts with front matter between `---` lines (title, description)".into(),
        Msg::UnclosedFrontMatter => "front matter is not closed by a `---` line".into(),
        Msg::FrontMatter { detail } => format!("front matter: {detail}"),
        Msg::SiteUnreadable { path, error } => format!("cannot read {}: {error}", path.display()),
        Msg::SiteInvalid { detail } => format!("invalid site configuration: {detail}"),
        Msg::Site { collection: Some(c), problem } => format!("collection \"{c}\": {}", site(problem)),
        Msg::Site { collection: None, problem } => site(problem),
        Msg::ImportValueOwned { other } => format!(
            "this value already identifies record \"{other}\"; one value, one record"
        ),
        Msg::ImportRowTwice { first, id } => format!(
            "row {first} already makes record \"{id}\"; each record comes from one row"
        ),
        Msg::ImportNoId { collection } => format!(
            "no id: add an `id` (记录编号) column, or give collection \"{collection}\" an `id_template` in site.yaml"
        ),
        Msg::ImportIdEmpty { missing, template } => format!(
            "the id is made from \"{missing}\" (id_template \"{template}\"), which this row leaves empty"
        ),
        Msg::ImportKeptElsewhere { id, file, line, rel } => format!(
            "record \"{id}\" is kept in {}:{line}, which import does not rewrite; change it there, or move it to {} to let import keep it",
            file.display(),
            rel.display()
        ),
        Msg::ImportUnknownColumn { header, collection, examples } => format!(
            "column \"{header}\" matches no field of {collection}: name a field's label or key (e.g. {examples}), or map it in a mapping file (`{header}: field_key`, or `{header}: \"-\"` to leave it out)"
        ),
        Msg::ImportObjectColumn { header, key } => format!(
            "column \"{header}\": field \"{key}\" is a table of sub-fields, which one cell cannot hold; add it to the YAML file by hand"
        ),
        Msg::ImportColumnsTwice { other, header } => {
            format!("columns \"{other}\" and \"{header}\" fill the same field; keep one")
        }
        Msg::ImportMappingTarget { header, key, collection } => format!(
            "mapping file: \"{header}\" maps to \"{key}\", which is not a field of {collection}"
        ),
    }
}

pub(super) fn help(code: Code) -> (&'static str, &'static str) {
    use Code as C;
    match code {
        C::StrayEntry => ("a file or link directly under data/ that is not a collection folder", "move it into a collection's folder, or out of data/"),
        C::UnknownFolder => ("a folder under data/ that site.yaml declares no collection for", "rename the folder to a collection key, or declare the collection"),
        C::Unreadable => ("a file could not be read", "check the file's permissions and that it still exists"),
        C::Symlink => ("a symbolic link under data/, which is not followed", "replace the link by the file itself"),
        C::NotYaml => ("a file under data/ that does not end in .yaml or .yml", "rename it, or move it out of data/"),
        C::CaseCollision => ("two file names that differ only by upper/lower case", "rename one of them"),
        C::FileTooLarge => ("a data file over the size limit (--max-file-bytes)", "split it into smaller files"),
        C::Encoding => ("a data file that is not UTF-8 text", "save it as UTF-8 (without UTF-16 or binary content)"),
        C::YamlSyntax => ("the file is not valid YAML", "fix the line named; check indentation, colons and quotes"),
        C::YamlLimit => ("the YAML nests too deep or expands too far (aliases)", "write the values out plainly, without deep nesting or aliases"),
        C::DuplicateKey => ("a key given twice in one record", "keep one of the two lines"),
        C::EmptyFile => ("a data file with no records", "add records or delete the file"),
        C::NotARecord => ("a value where a record (key: value lines) was expected", "write the record as `key: value` lines"),
        C::MissingId => ("a record without `id`", "add `id:` with a unique id (a-z, 0-9, -, _)"),
        C::BadId => ("an id that is not lower-case letters, digits, - and _", "change the id; it is the record's web address"),
        C::UnknownKey => ("a field site.yaml does not declare for this collection (often a typo)", "correct the field name, or declare the field in site.yaml"),
        C::MissingField => ("a required field is missing or empty", "fill in the field"),
        C::WrongType => ("a value of the wrong kind for its field (number, amount, true/false, URL, list …)", "write the value as the field's type expects"),
        C::EmptyList => ("a required list has no items", "add at least one item"),
        C::BadDate => ("a date that is not YYYY-MM-DD or not a real day", "write the date as YYYY-MM-DD, e.g. 2024-06-25"),
        C::NotInEnum => ("a value not among the field's allowed values", "use one of the values listed, or add it to site.yaml"),
        C::BadCreditCode => ("a unified social credit code of wrong length, characters or check character", "copy the code again from the business licence"),
        C::BadCmaNumber => ("a CMA certificate number that is not 12 digits or names no issuing authority", "copy the number again from the certificate"),
        C::CmaYear => ("a CMA certificate issued after the record's latest date", "check the number and the record's dates; add a history entry for a reissued certificate"),
        C::BadNoticeData => ("withdrawn, history or notice_period written in the wrong form", "follow the forms in docs/site-yaml.md (date and reason; date and summary; e.g. 3y)"),
        C::PersonalInId => ("an id holding a mobile or resident ID number", "choose another id"),
        C::PersonalNumber => ("a mobile or resident ID number in published text; it is masked", "remove it, or move it to a field marked `personal`"),
        C::DuplicateId => ("two records with one id", "give one of them another id"),
        C::NotUnique => ("a value that must be unique (e.g. a decision number) appears in two records", "correct the value, or merge the two records"),
        C::UnknownRef => ("a reference to a record that does not exist", "correct the id referred to"),
        C::CalendarMissingYear => ("the holiday calendar lacks a year, so working days cannot be counted", "add that year's JSON file to the calendar folder"),
        C::LateNotice => ("a notice published later than the limit of working days after the decision", "publish sooner; the staff report lists late notices"),
        C::StatusLapsed => ("a recorded status the dates contradict (e.g. a certificate that has expired)", "update the status in the record"),
        C::CalendarUnreadable => ("the holiday calendar could not be read", "fix the calendar folder's JSON files"),
        C::PreviousIgnored => ("the earlier build's manifest could not be used; /changes/ starts afresh", "nothing, or pass a readable --previous"),
        C::BadPageName => ("a content page whose file name is not a slug or is reserved", "rename the file (a-z, 0-9, -)"),
        C::BadFrontMatter => ("a content page whose front matter (between `---` lines) is missing or wrong", "start the page with `---`, title:, description:, `---`"),
        C::SiteUnreadable => ("site.yaml could not be read", "run the command in the site folder, or pass --site"),
        C::SiteConfig => ("site.yaml declares something wrongly", "correct site.yaml as the message says; see docs/site-yaml.md"),
        C::ImportConflict => ("two rows or records claim one record", "keep one row per record; correct the identifying value"),
        C::ImportNoId => ("a row from which no record id can be made", "add an id column, fill the identifying column, or set id_template"),
        C::ImportColumn => ("a spreadsheet column that matches no field, or two columns for one field", "rename the header to a field's label, or map it in a mapping file"),
    }
}
