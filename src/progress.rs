//! Signs of life on a terminal: a spinner on stderr with the stage a long build or import is
//! in and the time it has taken. It appears only when stderr is a terminal and the work has
//! taken longer than [`DELAY`], so a quick build, CI logs and piped output stay as they were.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal as _;
use std::sync::OnceLock;
use std::time::Duration;

/// Work shorter than this shows nothing.
pub const DELAY: Duration = Duration::from_secs(2);

/// The one spinner of the process, if stderr is a terminal.
static SPINNER: OnceLock<Option<ProgressBar>> = OnceLock::new();

/// Starts the spinner (hidden until [`DELAY`] has passed) with `message`.
pub fn start(message: &str) {
    let spinner = SPINNER.get_or_init(|| {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(DELAY);
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        Some(bar)
    });
    if let Some(bar) = spinner {
        bar.set_message(message.to_string());
    }
}

/// Changes the spinner's message.
pub fn message(message: &str) {
    if let Some(Some(bar)) = SPINNER.get() {
        bar.set_message(message.to_string());
    }
}

/// Removes the spinner, before the final report is printed.
pub fn finish() {
    if let Some(Some(bar)) = SPINNER.get() {
        bar.finish_and_clear();
    }
}

/// What a build stage is called on the spinner.
pub fn stage_message(stage: crate::pipeline::Stage, chinese: bool) -> &'static str {
    use crate::pipeline::Stage;
    match (stage, chinese) {
        (Stage::Validate, true) => "读取并校验数据",
        (Stage::Notice, true) => "执行公示规则",
        (Stage::Outputs, true) => "生成页面、开放数据与检索索引",
        (Stage::Swap, true) => "写入磁盘并替换输出目录",
        (Stage::Validate, false) => "reading and validating the data",
        (Stage::Notice, false) => "applying the notice rules",
        (Stage::Outputs, false) => "writing pages, datasets and the search index",
        (Stage::Swap, false) => "putting the new output in place",
    }
}
