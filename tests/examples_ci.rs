//! The example CI files parse as YAML and every `gongshi` command they run exists with the
//! flags they pass.

mod common;
use common::*;

fn commands(value: &serde_yaml::Value, found: &mut Vec<String>) {
    match value {
        serde_yaml::Value::String(s) => {
            for line in s.lines() {
                if let Some(i) = line.find("gongshi ") {
                    let cmd = &line[i..];
                    if !cmd.starts_with("gongshi.git") && !cmd.starts_with("gongshi-") {
                        found.push(cmd.to_string());
                    }
                }
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| commands(v, found)),
        serde_yaml::Value::Mapping(map) => map.values().for_each(|v| commands(v, found)),
        _ => {}
    }
}

#[test]
fn example_ci_files_call_commands_that_exist() {
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let text = std::fs::read_to_string(repo_root().join("examples/ci").join(file)).unwrap();
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut found = Vec::new();
        commands(&yaml, &mut found);
        let invocations: Vec<&String> = found
            .iter()
            .filter(|c| !c.starts_with("gongshi gongshi"))
            .collect();
        assert!(
            invocations.iter().any(|c| c.starts_with("gongshi check")),
            "{file}: {found:?}"
        );
        assert!(
            invocations.iter().any(|c| c.starts_with("gongshi build")),
            "{file}: {found:?}"
        );
        for cmd in invocations {
            let mut words = cmd.split_whitespace().skip(1);
            let Some(sub) = words.next() else { continue };
            let help = gongshi(&[sub, "--help"]);
            assert!(
                help.status.success(),
                "{file}: `gongshi {sub}` does not exist"
            );
            let help = String::from_utf8_lossy(&help.stdout);
            for flag in cmd.split_whitespace().filter(|w| w.starts_with("--")) {
                let flag = flag.split('=').next().unwrap();
                assert!(help.contains(flag), "{file}: gongshi {sub} has no {flag}");
            }
        }
    }
}
