//! The whole build, stage by stage: load and validate, apply notice rules, then render, export
//! and index the one published record set into a staging directory that replaces `--out` only
//! when everything succeeded. `check` runs the same front half and writes nothing.

use crate::calendar::HolidayCalendar;
use crate::config::{self, SiteConfig};
use crate::diagnostic::Diagnostic;
use crate::export::RecordFiles;
use crate::folders::Folders;
use crate::live::{LiveState, PageMemo};
use crate::manifest::{read_previous, Manifest, PreviousError};
use crate::messages::Msg;
use crate::notice::{self, PublishedSet, StaffReport};
use crate::output::Staging;
use crate::render::{ContentPage, Renderer};
use crate::validate::{self, Dataset};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site: PathBuf,
    pub out: PathBuf,
    pub as_of: NaiveDate,
    pub base_url: Option<String>,
    /// An earlier build's `data/manifest.json`, for the change list (else the one in `out`).
    pub previous: Option<PathBuf>,
    pub max_file_bytes: u64,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Minify the theme's CSS and JavaScript and the site-level pages (see
    /// [`crate::render::minify`]); only in a gongshi built with the `minify` feature.
    pub minify: bool,
    /// Told when each stage starts, for a progress display.
    pub on_stage: Option<fn(Stage)>,
}

/// The stages a build reports as it reaches them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and validating site.yaml, the data files and the content pages.
    Validate,
    /// Applying the notice rules at the as-of date.
    Notice,
    /// Rendering pages, exporting datasets and indexing for search.
    Outputs,
    /// Putting the new output in place of the old.
    Swap,
}

impl BuildOptions {
    pub fn new(site: impl Into<PathBuf>, out: impl Into<PathBuf>, as_of: NaiveDate) -> Self {
        BuildOptions {
            site: site.into(),
            out: out.into(),
            as_of,
            base_url: None,
            previous: None,
            max_file_bytes: crate::load::DEFAULT_MAX_FILE_BYTES,
            strict: false,
            minify: false,
            on_stage: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The site has errors: nothing was written.
    #[error("{} error(s) in the site; nothing was written", .0.iter().filter(|d| d.is_error()).count())]
    Invalid(Vec<Diagnostic>),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    /// `--previous` names a manifest that cannot be read.
    #[error("--previous {}: {}", .0.display(), .1)]
    Previous(PathBuf, String),
    #[error("{0}")]
    Stage(String),
    /// `--minify` asked of a gongshi built without the `minify` feature.
    #[error(
        "--minify needs gongshi built with minification: cargo build --release --features minify"
    )]
    MinifyNotBuilt,
}

/// Time and output of one stage, for progress and the benchmark.
#[derive(Debug, Clone)]
pub struct StageTiming {
    pub stage: &'static str,
    pub seconds: f64,
    pub files: u64,
    pub bytes: u64,
    /// The process's peak resident memory during the stage (stages that overlap share it).
    pub peak_rss: u64,
    /// CPU seconds (user and kernel, every thread) the process used during the stage; stages
    /// that overlap share it.
    pub cpu_seconds: f64,
}

#[derive(Debug)]
pub struct BuildSummary {
    pub warnings: Vec<Diagnostic>,
    pub stages: Vec<StageTiming>,
    pub files: u64,
    pub bytes: u64,
    pub published: usize,
    /// Live rebuilds: how many pages were rendered (the others had not changed).
    pub rendered_pages: Option<u64>,
    /// Late and soon-ending notices, for the bureau's staff only: never part of the output.
    pub staff: StaffReport,
}

/// Everything the front half of the pipeline produces.
pub struct Checked {
    pub config: SiteConfig,
    pub dataset: Dataset,
    pub pages: Vec<ContentPage>,
    pub diagnostics: Vec<Diagnostic>,
    pub staff: StaffReport,
}

impl Checked {
    pub fn has_errors(&self, strict: bool) -> bool {
        self.diagnostics.iter().any(|d| d.is_error() || strict)
    }
}

pub use crate::config::RESERVED_PATHS;

/// Loads, validates and reviews the site at `as_of`; writes nothing.
pub fn check(
    site: &Path,
    as_of: NaiveDate,
    max_file_bytes: u64,
) -> Result<Checked, Vec<Diagnostic>> {
    let config = config::load(site)?;
    let opts = validate::Options { max_file_bytes };
    let (dataset, mut diagnostics) = validate::validate_site(&config, &opts);
    let mut reserved: Vec<&str> = RESERVED_PATHS.to_vec();
    reserved.extend(config.collections.iter().map(|c| c.key.as_str()));
    let (pages, page_diags) = crate::content::load_pages(&config, &reserved);
    diagnostics.extend(page_diags);
    let calendar_dir = config.root.join(&config.site.holiday_calendar);
    let calendar = HolidayCalendar::load(Some(&calendar_dir)).map_err(|e| {
        vec![Diagnostic::error(
            Path::new(&config.site.holiday_calendar),
            0,
            Msg::CalendarUnreadable { detail: e },
        )]
    })?;
    let (review, staff) = notice::review(&config, &dataset, &calendar, as_of);
    diagnostics.extend(review);
    diagnostics.extend(crate::derived::review(&config, &dataset, as_of));
    crate::diagnostic::sort(&mut diagnostics);
    Ok(Checked {
        config,
        dataset,
        pages,
        diagnostics,
        staff,
    })
}

/// A live rebuild for `gongshi serve` (see [`crate::live`]).
pub struct Live<'a> {
    /// What the previous live build left; updated by this one.
    pub state: &'a mut LiveState,
    /// Called as soon as the changed pages are in the output, with the seconds since the
    /// build started; datasets and search follow.
    pub pages_ready: &'a mut dyn FnMut(f64),
}

/// Builds the site into `opts.out`, or leaves it untouched and says why.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary, BuildError> {
    run(opts, None)
}

/// Rebuilds `opts.out` in place, rendering and writing only what changed since the build
/// `live.state` remembers (the first one builds everything and remembers it).
pub fn build_live(opts: &BuildOptions, live: Live) -> Result<BuildSummary, BuildError> {
    run(opts, Some(live))
}

/// The one schedule of every build; `live` makes it a rebuild in place (see [`crate::live`]).
fn run(opts: &BuildOptions, live: Option<Live>) -> Result<BuildSummary, BuildError> {
    if opts.minify && !crate::render::minify::AVAILABLE {
        return Err(BuildError::MinifyNotBuilt);
    }
    let mut stages = Vec::new();
    let started = Instant::now();
    // Before anything else: a build into the wrong folder would delete it.
    crate::out_guard::check(&opts.site, &opts.out)?;
    let report = |stage| {
        if let Some(on_stage) = opts.on_stage {
            on_stage(stage);
        }
    };
    report(Stage::Validate);
    let Checked {
        config,
        dataset,
        pages,
        mut diagnostics,
        staff,
    } = checked_site(opts)?;
    stages.push(timing("load+validate", started, 0, 0));

    let t = Instant::now();
    report(Stage::Notice);
    let set = notice::publish(&config, dataset, opts.as_of);
    stages.push(timing("notice", t, 0, 0));

    // The earlier manifest must be read before this build's output replaces it.
    let previous = previous_manifest(opts, &mut diagnostics)?;

    let (state, mut pages_ready) = match live {
        Some(Live { state, pages_ready }) => (Some(state), Some(pages_ready)),
        None => (None, None),
    };
    let staging = open_staging(&opts.out, state.as_deref())?;
    let outputs = Outputs {
        config: &config,
        set: &set,
        previous: previous.as_ref(),
        memo: state.as_deref().map(|s| &s.pages),
        minify: opts.minify,
    };
    let mut after_render = |staging: &Staging| -> Result<(), BuildError> {
        let in_place = staging.overlay().is_some_and(|o| !o.is_first());
        if let Some(ready) = pages_ready.as_mut().filter(|_| in_place) {
            staging.publish_changes()?;
            ready(started.elapsed().as_secs_f64());
        }
        Ok(())
    };
    report(Stage::Outputs);
    let written = write_outputs(&outputs, pages, &staging, &mut stages, &mut after_render);
    if let Err(e) = written {
        staging.discard();
        if let Some(state) = state {
            // Pages may already be updated in place: the next rebuild starts afresh.
            *state = LiveState::default();
        }
        return Err(e);
    }
    let (files, bytes) = (staging.files_written(), staging.bytes_written());
    report(Stage::Swap);
    let t = Instant::now();
    let rendered_pages = state.as_ref().map(|s| s.pages.rendered());
    swap_in(staging, state)?;
    stages.push(timing("swap", t, 0, 0));
    Ok(BuildSummary {
        warnings: diagnostics,
        stages,
        files,
        bytes,
        published: set.collections.iter().map(|c| c.records.len()).sum(),
        rendered_pages,
        staff,
    })
}

/// A new staging folder beside `out`; a live rebuild's starts from the files of the build
/// `state` remembers.
fn open_staging(out: &Path, state: Option<&LiveState>) -> Result<Staging, BuildError> {
    let Some(state) = state else {
        return Ok(Staging::new(out)?);
    };
    let staging = Staging::live(out, state.output.clone())?;
    state.pages.start_build();
    Ok(staging)
}

/// Puts the staged output in place of `--out`; a live rebuild remembers what it wrote, or
/// forgets everything when the swap fails.
fn swap_in(staging: Staging, state: Option<&mut LiveState>) -> Result<(), BuildError> {
    let Some(state) = state else {
        return Ok(staging.commit()?);
    };
    match staging.finish_live() {
        Ok(index) => {
            state.output = index;
            state.pages.advance();
            Ok(())
        }
        Err(e) => {
            *state = LiveState::default();
            Err(e.into())
        }
    }
}

/// The front half, with the build's options applied: nothing to write when it has errors.
fn checked_site(opts: &BuildOptions) -> Result<Checked, BuildError> {
    let mut checked =
        check(&opts.site, opts.as_of, opts.max_file_bytes).map_err(BuildError::Invalid)?;
    if checked.has_errors(opts.strict) {
        return Err(BuildError::Invalid(checked.diagnostics));
    }
    if let Some(base) = &opts.base_url {
        checked.config.site.base_url = base.clone();
    }
    if !checked.config.site.base_url.ends_with('/') {
        checked.config.site.base_url.push('/');
    }
    Ok(checked)
}

/// The earlier build's manifest for the change list: `--previous`, else the one in `--out`
/// (a warning, and no change list, when that one cannot be read).
fn previous_manifest(
    opts: &BuildOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Option<Manifest>, BuildError> {
    match read_previous(opts.previous.as_deref(), &opts.out) {
        Ok(p) => Ok(p),
        Err(PreviousError::Unusable(path, e)) => Err(BuildError::Previous(path, e)),
        Err(PreviousError::Ignored(path, e)) => {
            diagnostics.push(Diagnostic::warning(
                &path,
                0,
                Msg::PreviousIgnored { detail: e },
            ));
            Ok(None)
        }
    }
}

fn timing(stage: &'static str, since: Instant, files: u64, bytes: u64) -> StageTiming {
    StageTiming {
        stage,
        seconds: since.elapsed().as_secs_f64(),
        files,
        bytes,
        peak_rss: crate::memory::take_peak_rss(),
        cpu_seconds: crate::memory::take_cpu_seconds(),
    }
}

/// A stage that ran on its own thread beside the others: its own time, files and bytes.
fn beside(stage: &'static str, seconds: f64, view: &Staging) -> StageTiming {
    StageTiming {
        stage,
        seconds,
        files: view.files_written(),
        bytes: view.bytes_written(),
        peak_rss: 0,
        cpu_seconds: 0.0,
    }
}

/// What the output stages read.
struct Outputs<'a> {
    config: &'a SiteConfig,
    set: &'a PublishedSet,
    /// An earlier build's manifest, for the change list.
    previous: Option<&'a Manifest>,
    /// Live rebuilds: the previous build's page hashes.
    memo: Option<&'a PageMemo>,
    minify: bool,
}

/// Times the stages of the output half in turn, with the files and bytes each wrote.
struct Clock<'s> {
    staging: &'s Staging,
    since: Instant,
    files: u64,
    bytes: u64,
}

impl<'s> Clock<'s> {
    fn new(staging: &'s Staging) -> Self {
        Clock {
            staging,
            since: Instant::now(),
            files: staging.files_written(),
            bytes: staging.bytes_written(),
        }
    }

    fn done(&mut self, stage: &'static str, stages: &mut Vec<StageTiming>) {
        let files = self.staging.files_written() - self.files;
        let bytes = self.staging.bytes_written() - self.bytes;
        stages.push(timing(stage, self.since, files, bytes));
        *self = Clock::new(self.staging);
    }
}

type Timed<T> = (T, f64);

fn timed<T>(f: impl FnOnce() -> T) -> Timed<T> {
    let started = Instant::now();
    let result = f();
    (result, started.elapsed().as_secs_f64())
}

/// The output half, one schedule for every build: search on a thread of its own (see
/// search::canonical), the record folders on another (see crate::folders), pages and datasets
/// on the rayon pool, then the pages made from the datasets' and the index's results.
///
/// A full build renders and exports at once (the export ends on one collection's workbook
/// and the pages on the folder thread, and each fills the other's gaps) and starts indexing
/// first. A live rebuild puts its pages first, publishes them through `after_render`, and only
/// then starts the datasets and the index: the pages are what the person editing waits for.
fn write_outputs(
    outputs: &Outputs,
    pages: Vec<ContentPage>,
    staging: &Staging,
    stages: &mut Vec<StageTiming>,
    after_render: &mut dyn FnMut(&Staging) -> Result<(), BuildError>,
) -> Result<(), BuildError> {
    let Outputs {
        config,
        set,
        previous,
        memo,
        minify,
    } = *outputs;
    let pages_first = memo.is_some();
    let mut clock = Clock::new(staging);
    let (search_staging, export_staging) = (staging.view(), staging.view());
    let folders = Folders::default();
    let record_files = RecordFiles::new(config, set);
    std::thread::scope(|scope| {
        let start_search =
            || scope.spawn(|| timed(|| crate::search::write(config, set, &search_staging)));
        let early_search = (!pages_first).then(start_search);
        // The renderer first: a theme that fails to load needs no folders.
        let renderer = Renderer::new(config, set, staging, pages, minify)?.with_memo(memo);
        let maker = std::thread::Builder::new()
            .name("gongshi-folders".into())
            .spawn_scoped(scope, || folders.make_all(set, staging, &record_files))
            .map_err(|e| BuildError::Stage(format!("starting the folder thread: {e}")))?;
        let inputs = export_inputs(&renderer, previous);
        let export = || {
            timed(|| crate::export::export(config, set, &inputs, &export_staging, &record_files))
        };

        let (rendered, exported) = if pages_first {
            (renderer.render_all(&folders), None)
        } else {
            let (rendered, exported) = rayon::join(|| renderer.render_all(&folders), export);
            (rendered, Some(exported))
        };
        if rendered.is_err() || exported.as_ref().is_some_and(|(e, _)| e.is_err()) {
            folders.abandon();
        }
        // A folder error explains the page errors that followed from it.
        joined(maker, "the folder thread")??;
        rendered?;
        clock.done("render", stages);
        after_render(staging)?;

        let search = early_search.unwrap_or_else(start_search);
        let (report, export_seconds) = match exported {
            Some(exported) => exported,
            None => export(),
        };
        renderer.dataset_pages(&report?)?;
        if pages_first {
            clock.done("export", stages);
        } else {
            stages.push(beside("export (beside)", export_seconds, &export_staging));
        }

        let (result, seconds) = joined(search, "search indexing")?;
        let stats = result.map_err(|e| BuildError::Stage(e.to_string()))?;
        renderer.search_page(&stats.manifest)?;
        clock.done("search wait", stages);
        stages.push(beside("search (beside)", seconds, &search_staging));
        staging.absorb(&export_staging);
        staging.absorb(&search_staging);
        Ok::<(), BuildError>(())
    })
}

/// What export reads besides the published set: the earlier manifest, and what the renderer
/// has already made (the theme's words, the organisations, the content pages).
fn export_inputs<'a>(
    renderer: &'a Renderer,
    previous: Option<&'a Manifest>,
) -> crate::export::Inputs<'a> {
    crate::export::Inputs {
        previous,
        strings: renderer.i18n(),
        orgs: renderer.orgs(),
        content_slugs: renderer
            .content_pages()
            .iter()
            .map(|p| p.slug.as_str())
            .collect(),
    }
}

/// The result of a stage's thread; `what` names it when it panicked.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>, what: &str) -> Result<T, BuildError> {
    thread
        .join()
        .map_err(|_| BuildError::Stage(format!("{what} panicked")))
}
