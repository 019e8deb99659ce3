//! The client's settings (`initializationOptions`,
//! `workspace/didChangeConfiguration`): deserialized with serde, replaced
//! wholesale on every change (a key the client no longer sends goes back to
//! its default, so a cleared `select` is cleared), and validated once: each
//! bad setting gives one problem, said once, and falls back to its default.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::analysis::Level;
use crate::knowledge::Lang;
use crate::render::Verbosity;

/// Documents larger than this get no analysis (hovers, diagnostics, code
/// actions, hints) unless `maxFileSize` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;
/// How long one analysis request (a hover, the diagnostics of one version,
/// code actions, inlay hints) may take before it answers "nothing".
pub const DEFAULT_TIME_BUDGET: Duration = Duration::from_millis(2_000);

/// The settings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// An explicit language (`"zh"`/`"en"`); `None` for `"auto"` or unset.
    pub language: Option<Lang>,
    pub hover_enable: bool,
    pub verbosity: Verbosity,
    /// `hover.level`: the triggers a hover shows (default `usage`).
    pub level: Level,
    /// `hover.repeat`: a section's second and later hovers in a session are
    /// brief (`true`, the default) or full.
    pub repeat_brief: bool,
    /// `inlayHints.enable`: off unless asked for.
    pub inlay_hints: bool,
    /// Rule selection from the client; overrides pyproject.toml when set.
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// `maxFileSize` (bytes).
    pub max_file_size: u64,
    /// `timeBudgetMs`.
    pub time_budget: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            language: None,
            hover_enable: true,
            verbosity: Verbosity::Full,
            level: Level::Usage,
            repeat_brief: true,
            inlay_hints: false,
            select: None,
            ignore: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            time_budget: DEFAULT_TIME_BUDGET,
        }
    }
}

/// A setting as the client sent it: absent, a value of the right type, or
/// why not.
#[derive(Debug, Default)]
enum Checked<T> {
    #[default]
    Unset,
    Ok(T),
    Bad(String),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Checked<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        if value.is_null() {
            return Ok(Checked::Unset);
        }
        Ok(match T::deserialize(value) {
            Ok(v) => Checked::Ok(v),
            Err(e) => Checked::Bad(e.to_string()),
        })
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Language {
    Auto,
    Zh,
    En,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum VerbosityName {
    Full,
    Brief,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum LevelName {
    Core,
    Usage,
    Everyday,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Hover {
    enable: Checked<bool>,
    verbosity: Checked<VerbosityName>,
    level: Checked<LevelName>,
    repeat: Checked<VerbosityName>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Toggle {
    enable: Checked<bool>,
}

/// A strictly positive whole number.
#[derive(Debug, Clone, Copy)]
struct Positive(u64);

impl<'de> Deserialize<'de> for Positive {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u64::deserialize(d)? {
            0 => Err(serde::de::Error::custom("expected a number above 0")),
            n => Ok(Positive(n)),
        }
    }
}

/// The settings object as sent; nested (`{"hover": {"enable": …}}`) and
/// dotted (`"hover.enable"`) keys both work.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Raw {
    language: Checked<Language>,
    hover: Checked<Hover>,
    #[serde(rename = "hover.enable")]
    hover_enable: Checked<bool>,
    #[serde(rename = "hover.verbosity")]
    hover_verbosity: Checked<VerbosityName>,
    #[serde(rename = "hover.level")]
    hover_level: Checked<LevelName>,
    #[serde(rename = "hover.repeat")]
    hover_repeat: Checked<VerbosityName>,
    inlay_hints: Checked<Toggle>,
    #[serde(rename = "inlayHints.enable")]
    inlay_hints_enable: Checked<bool>,
    select: Checked<Vec<String>>,
    ignore: Checked<Vec<String>>,
    max_file_size: Checked<Positive>,
    time_budget_ms: Checked<Positive>,
    #[serde(flatten)]
    unknown: BTreeMap<String, IgnoredAny>,
}

/// Collects the problems while taking values.
struct Problems(Vec<String>);

impl Problems {
    fn take<T>(&mut self, key: &str, value: Checked<T>) -> Option<T> {
        match value {
            Checked::Unset => None,
            Checked::Ok(v) => Some(v),
            Checked::Bad(why) => {
                self.0
                    .push(format!("setting `{key}`: {why}; using the default"));
                None
            }
        }
    }
}

impl Settings {
    /// The settings `value` describes (`{"pyexplain": {...}}` or the inner
    /// object; `null` for none), each missing or bad key at its default,
    /// and one problem per bad key.
    pub fn from_client(value: &Value) -> (Settings, Vec<String>) {
        let inner = value.get("pyexplain").unwrap_or(value);
        let mut problems = Problems(Vec::new());
        let raw = if inner.is_null() {
            Raw::default()
        } else {
            match Raw::deserialize(inner) {
                Ok(raw) => raw,
                Err(e) => {
                    problems
                        .0
                        .push(format!("settings: {e}; using the defaults"));
                    Raw::default()
                }
            }
        };
        let mut s = Settings::default();
        let p = &mut problems;
        if let Some(lang) = p.take("language", raw.language) {
            s.language = match lang {
                Language::Auto => None,
                Language::Zh => Some(Lang::Zh),
                Language::En => Some(Lang::En),
            };
        }
        let hover = p.take("hover", raw.hover).unwrap_or_default();
        let enable = p.take("hover.enable", hover.enable);
        let dotted = p.take("hover.enable", raw.hover_enable);
        if let Some(enable) = enable.or(dotted) {
            s.hover_enable = enable;
        }
        let verbosity = p.take("hover.verbosity", hover.verbosity);
        let dotted = p.take("hover.verbosity", raw.hover_verbosity);
        if let Some(v) = verbosity.or(dotted) {
            s.verbosity = match v {
                VerbosityName::Full => Verbosity::Full,
                VerbosityName::Brief => Verbosity::Brief,
            };
        }
        let level = p.take("hover.level", hover.level);
        let dotted = p.take("hover.level", raw.hover_level);
        if let Some(l) = level.or(dotted) {
            s.level = match l {
                LevelName::Core => Level::Core,
                LevelName::Usage => Level::Usage,
                LevelName::Everyday => Level::Everyday,
            };
        }
        let repeat = p.take("hover.repeat", hover.repeat);
        let dotted = p.take("hover.repeat", raw.hover_repeat);
        if let Some(r) = repeat.or(dotted) {
            s.repeat_brief = matches!(r, VerbosityName::Brief);
        }
        let hints = p.take("inlayHints", raw.inlay_hints).unwrap_or_default();
        let enable = p.take("inlayHints.enable", hints.enable);
        let dotted = p.take("inlayHints.enable", raw.inlay_hints_enable);
        if let Some(enable) = enable.or(dotted) {
            s.inlay_hints = enable;
        }
        s.select = p
            .take("select", raw.select)
            .map(|ids| known_ids("select", ids, p));
        s.ignore = p
            .take("ignore", raw.ignore)
            .map(|ids| known_ids("ignore", ids, p));
        if let Some(Positive(n)) = p.take("maxFileSize", raw.max_file_size) {
            s.max_file_size = n;
        }
        if let Some(Positive(ms)) = p.take("timeBudgetMs", raw.time_budget_ms) {
            s.time_budget = Duration::from_millis(ms);
        }
        for key in raw.unknown.keys() {
            problems
                .0
                .push(format!("unknown setting `{key}` (ignored)"));
        }
        (s, problems.0)
    }

    /// The language to use, given the client's or the environment's.
    pub fn lang(&self, default: Lang) -> Lang {
        self.language.unwrap_or(default)
    }
}

/// The rule ids that name a rule (`ALL` too in `select`); the others are one
/// problem.
fn known_ids(key: &str, ids: Vec<String>, problems: &mut Problems) -> Vec<String> {
    let (known, unknown): (Vec<String>, Vec<String>) = ids.into_iter().partition(|id| {
        crate::analysis::rules::rule_by_name(id).is_some() || (key == "select" && id == "ALL")
    });
    if !unknown.is_empty() {
        problems.0.push(format!(
            "setting `{key}`: unknown rule{} {} (see `pyexplain rule` for the list); ignored",
            if unknown.len() > 1 { "s" } else { "" },
            unknown
                .iter()
                .map(|id| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> (Settings, Vec<String>) {
        Settings::from_client(&v)
    }

    #[test]
    fn both_shapes_and_dotted_keys() {
        let (s, p) = parse(json!({"pyexplain": {"language": "zh", "hover": {"enable": false}}}));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.language, Some(Lang::Zh));
        assert!(!s.hover_enable);
        let (s, p) = parse(
            json!({"language": "auto", "hover.verbosity": "brief", "inlayHints.enable": true}),
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(s.language, None);
        assert_eq!(s.verbosity, Verbosity::Brief);
        assert!(s.inlay_hints);
        let (s, p) = parse(json!({"inlayHints": {"enable": true}}));
        assert!(p.is_empty() && s.inlay_hints);
    }

    #[test]
    fn hover_level_and_repeat_in_both_shapes() {
        let d = Settings::default();
        assert_eq!((d.level, d.repeat_brief), (Level::Usage, true));
        let (s, p) = parse(json!({"hover": {"level": "core", "repeat": "full"}}));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!((s.level, s.repeat_brief), (Level::Core, false));
        let (s, p) = parse(json!({"hover.level": "everyday", "hover.repeat": "brief"}));
        assert!(p.is_empty(), "{p:?}");
        assert_eq!((s.level, s.repeat_brief), (Level::Everyday, true));
        let (s, p) = parse(json!({"hover": {"level": "all"}}));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("`hover.level`"), "{p:?}");
        assert_eq!(s.level, Level::Usage);
    }

    #[test]
    fn replaced_wholesale_a_missing_key_is_its_default() {
        let (s, _) = parse(json!({"select": ["is-literal"], "hover": {"verbosity": "brief"}}));
        assert_eq!(s.select, Some(vec!["is-literal".to_string()]));
        let (s, p) = parse(json!({}));
        assert!(p.is_empty());
        assert_eq!(s, Settings::default(), "a cleared select is cleared");
        assert_eq!(parse(Value::Null).0, Settings::default());
    }

    #[test]
    fn one_problem_per_bad_setting_and_the_rest_applies() {
        let (s, p) = parse(json!({
            "language": 42,
            "hover": {"enable": "yes", "verbosity": "brief"},
            "inlayHints": "on",
            "select": ["is-literal", "no-such-rule", "nor-this"],
            "ignore": "is-literal",
            "maxFileSize": 0,
            "timeBudgetMs": -5,
            "colour": "red",
        }));
        assert_eq!(p.len(), 8, "{p:#?}");
        for key in [
            "`language`",
            "`hover.enable`",
            "`inlayHints`",
            "`select`: unknown rules `no-such-rule`, `nor-this`",
            "`ignore`",
            "`maxFileSize`",
            "`timeBudgetMs`",
            "`colour`",
        ] {
            assert!(p.iter().any(|m| m.contains(key)), "{key} in {p:#?}");
        }
        assert_eq!(s.language, None);
        assert!(s.hover_enable);
        assert_eq!(
            s.verbosity,
            Verbosity::Brief,
            "the good key beside a bad one applies"
        );
        assert_eq!(s.select, Some(vec!["is-literal".to_string()]));
        assert_eq!(s.ignore, None);
        assert_eq!(s.max_file_size, DEFAULT_MAX_FILE_SIZE);
        assert_eq!(s.time_budget, DEFAULT_TIME_BUDGET);
    }

    #[test]
    fn a_settings_value_that_is_not_an_object_is_one_problem() {
        let (s, p) = parse(json!("zh"));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(s, Settings::default());
    }

    #[test]
    fn limits() {
        let (s, p) = parse(json!({"maxFileSize": 1000, "timeBudgetMs": 50}));
        assert!(p.is_empty());
        assert_eq!(s.max_file_size, 1000);
        assert_eq!(s.time_budget, Duration::from_millis(50));
    }
}
