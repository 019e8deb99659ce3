//! The embedded course notes, parsed once on first use.
//!
//! `build.rs` embeds every file of `knowledge/`; this module turns the chapter
//! files into [`Note`]s and the `context.txt` files into sentence templates.
//! The format is documented in `knowledge/README.md`. Parsing is lenient: a
//! malformed line becomes an entry of [`Knowledge::problems`], which the test
//! suite requires to be empty, and never a panic.

use crate::analysis::ids::{NoteId, RuleId};
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/knowledge_files.rs"));
}

pub use embedded::{KNOWLEDGE_HASH, VERSION};

/// The language of user-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// `"zh"`, `"zh-CN"`, `"zh_TW.UTF-8"` -> Chinese; `"en"`, `"en_US"` -> English;
    /// anything else (including `"auto"`, `"C"`, `""`) -> `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Lang::Zh)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language named by the environment (`LC_ALL`, `LC_MESSAGES`, `LANG`).
    pub fn from_env() -> Option<Lang> {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// A section number: a course section, `12.6`, or a note of the supplement
/// beyond the course outline, `S.3` (numbered on their own, after every
/// chapter of the course, so the two never collide).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Section {
    /// The course chapter, or [`Section::SUPPLEMENT`].
    pub chapter: u8,
    pub number: u8,
}

impl Section {
    /// The `chapter` of the supplement's notes: sorts after every course
    /// chapter; shown as `S`.
    pub const SUPPLEMENT: u8 = u8::MAX;

    /// The supplement's note number `n` (`S.n`).
    pub fn supplement(number: u8) -> Section {
        Section {
            chapter: Section::SUPPLEMENT,
            number,
        }
    }

    /// Whether this is a note of the supplement rather than a course section.
    pub fn is_supplement(self) -> bool {
        self.chapter == Section::SUPPLEMENT
    }

    /// Parses `12.6` or `S.3` (`s.3`; optionally prefixed with `§`).
    pub fn parse(text: &str) -> Option<Section> {
        let text = text.trim().trim_start_matches('§');
        let (chapter, number) = text.split_once('.')?;
        let number: u8 = number.parse().ok()?;
        if chapter.eq_ignore_ascii_case("s") {
            return (number > 0).then(|| Section::supplement(number));
        }
        let chapter: u8 = chapter.parse().ok()?;
        (chapter != Section::SUPPLEMENT).then_some(Section { chapter, number })
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that `{:<6}` aligns sections in lists.
        if self.is_supplement() {
            f.pad(&format!("S.{}", self.number))
        } else {
            f.pad(&format!("{}.{}", self.chapter, self.number))
        }
    }
}

/// One note of the course, in one language.
#[derive(Debug, Clone)]
pub struct Note {
    pub id: NoteId,
    pub section: Section,
    pub lang: Lang,
    pub title: String,
    /// The first paragraph: the one-sentence summary.
    pub summary: String,
    /// Everything after the heading, without the `Related:` line.
    pub body: String,
    /// Sections named on the `Related:` line.
    pub related: Vec<Section>,
    /// The chapter file it comes from, relative to `knowledge/` (`en/ch12.md`).
    pub file: &'static str,
    /// Zero-based line of its heading in that file.
    pub line: usize,
}

/// A file of notes: a course chapter (`en/ch12.md`) or a group of the
/// supplement (`en/supplement-2-typing.md`).
#[derive(Debug, Clone)]
pub struct Chapter {
    pub lang: Lang,
    /// The chapter number, or the group's number for the supplement.
    pub number: u8,
    /// A group of the supplement's notes (numbered `S.n`), not a chapter.
    pub supplement: bool,
    pub title: String,
    pub file: &'static str,
    pub text: &'static str,
}

/// A rule's documentation in one language (`knowledge/rules/<lang>/<id>.md`).
#[derive(Debug, Clone)]
pub struct RuleDoc {
    pub id: RuleId,
    pub lang: Lang,
    /// A short title in the document's language (`title = ...`), shown as a
    /// Chinese hover's heading; English hovers are titled with the rule id.
    pub title: Option<String>,
    /// The diagnostic message template (`{placeholders}` from the rule).
    pub message: String,
    /// Other messages of the rule for the cases its main one would not say
    /// truly (`message.returns = ...`): (variant, template).
    pub variants: Vec<(String, String)>,
    /// The quick fix's title template, for rules with a fix.
    pub fix: Option<String>,
    /// What it does / Why is this bad? / Example / Use instead / Fix safety.
    pub body: String,
    pub file: &'static str,
}

impl RuleDoc {
    /// The message template of `variant` (`None`: the main one); `None` if
    /// the document has no such variant.
    pub fn message_for(&self, variant: Option<&str>) -> Option<&str> {
        match variant {
            None => Some(&self.message),
            Some(v) => self
                .variants
                .iter()
                .find(|(name, _)| name == v)
                .map(|(_, t)| t.as_str()),
        }
    }

    /// Every message template: the main one, then the variants.
    pub fn messages(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.message).chain(self.variants.iter().map(|(_, t)| t))
    }
}

/// The headings every rule document has, in this order.
pub fn rule_doc_sections(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::En => [
            "What it does",
            "Why is this bad?",
            "Example",
            "Use instead",
            "Fix safety",
        ],
        Lang::Zh => ["规则内容", "为什么不好？", "示例", "改用", "修复的安全性"],
    }
}

/// Everything under `knowledge/`, parsed.
#[derive(Debug, Default)]
pub struct Knowledge {
    pub notes: Vec<Note>,
    pub rules: Vec<RuleDoc>,
    pub chapters: Vec<Chapter>,
    /// Sentence templates: (language, key) -> variants in file order.
    templates: HashMap<(Lang, String), Vec<String>>,
    /// Format errors found while parsing; the tests require none.
    pub problems: Vec<String>,
}

/// The embedded knowledge, parsed on first use.
pub fn knowledge() -> &'static Knowledge {
    static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
    KNOWLEDGE.get_or_init(|| Knowledge::parse(embedded::KNOWLEDGE_FILES))
}

/// A raw embedded file (`triggers.scm`, `names.tsv`, ...).
pub fn embedded_file(name: &str) -> Option<&'static str> {
    embedded::KNOWLEDGE_FILES
        .iter()
        .find(|(path, _)| *path == name)
        .map(|(_, text)| *text)
}

/// Every embedded file, path relative to `knowledge/` and contents.
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::KNOWLEDGE_FILES
}

impl Knowledge {
    pub fn parse(files: &[(&'static str, &'static str)]) -> Knowledge {
        let mut k = Knowledge::default();
        for &(path, text) in files {
            if let Some(rest) = path.strip_prefix("rules/") {
                k.parse_rule_doc(rest, path, text);
                continue;
            }
            let Some((lang_dir, name)) = path.split_once('/') else {
                continue;
            };
            let Some(lang) = Lang::parse(lang_dir) else {
                continue;
            };
            if name.starts_with("context") && name.ends_with(".txt") {
                k.parse_templates(lang, path, text);
            } else if let Some(num) = name
                .strip_prefix("ch")
                .and_then(|n| n.strip_suffix(".md"))
                .and_then(|n| n.parse::<u8>().ok())
            {
                k.parse_chapter(lang, num, false, path, text);
            } else if let Some(rest) = name.strip_prefix("supplement-") {
                // `supplement-<group>-<slug>.md`
                match rest
                    .strip_suffix(".md")
                    .and_then(|r| r.split_once('-'))
                    .and_then(|(n, _)| n.parse::<u8>().ok())
                {
                    Some(group) => k.parse_chapter(lang, group, true, path, text),
                    None => k.problems.push(format!(
                        "{path}: a supplement file is named `supplement-<group>-<slug>.md`"
                    )),
                }
            }
        }
        k.notes.sort_by_key(|n| (n.section, n.lang));
        k
    }

    fn parse_rule_doc(&mut self, rest: &'static str, path: &'static str, text: &'static str) {
        let Some((lang, name)) = rest.split_once('/') else {
            return;
        };
        let (Some(lang), Some(id)) = (Lang::parse(lang), name.strip_suffix(".md")) else {
            return;
        };
        let mut lines = text.lines();
        if lines.next().map(str::trim) != Some(&format!("# {id}")) {
            self.problems.push(format!("{path}:1: expected `# {id}`"));
        }
        let mut message = None;
        let mut variants = Vec::new();
        let mut fix = None;
        let mut title = None;
        let mut body = Vec::new();
        let mut in_body = false;
        for line in lines {
            if !in_body && line.starts_with("## ") {
                in_body = true;
            }
            if in_body {
                body.push(line);
            } else if let Some((key, value)) = line.split_once('=') {
                match key.trim() {
                    "message" => message = Some(value.trim().to_string()),
                    "fix" => fix = Some(value.trim().to_string()),
                    "title" => title = Some(value.trim().to_string()),
                    other => match other.strip_prefix("message.") {
                        Some(variant) if !variant.is_empty() => {
                            variants.push((variant.to_string(), value.trim().to_string()))
                        }
                        _ => self.problems.push(format!("{path}: unknown key {other}")),
                    },
                }
            }
        }
        let headings: Vec<&str> = body
            .iter()
            .filter_map(|l| l.strip_prefix("## "))
            .map(str::trim)
            .collect();
        let expected = rule_doc_sections(lang);
        if headings != expected {
            self.problems.push(format!(
                "{path}: headings must be {expected:?}, found {headings:?}"
            ));
        }
        let Some(message) = message else {
            self.problems
                .push(format!("{path}: no `message = ...` line"));
            return;
        };
        self.rules.push(RuleDoc {
            id: RuleId::from_static(id),
            lang,
            title,
            message,
            variants,
            fix,
            body: unwrap_for(lang, body.join("\n").trim()),
            file: path,
        });
    }

    /// A rule's documentation.
    pub fn rule_doc(&self, id: RuleId, lang: Lang) -> Option<&RuleDoc> {
        self.rules.iter().find(|r| r.id == id && r.lang == lang)
    }

    fn parse_templates(&mut self, lang: Lang, path: &str, text: &str) {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line.split_once('=') {
                Some((key, value)) if !key.trim().is_empty() => self
                    .templates
                    .entry((lang, key.trim().to_string()))
                    .or_default()
                    .push(value.trim().to_string()),
                _ => self
                    .problems
                    .push(format!("{path}:{}: expected `key = template`", i + 1)),
            }
        }
    }

    fn parse_chapter(
        &mut self,
        lang: Lang,
        number: u8,
        supplement: bool,
        path: &'static str,
        text: &'static str,
    ) {
        let mut lines = text.lines().enumerate().peekable();
        let title = match lines.peek() {
            Some((_, first)) if first.starts_with("# ") => first[2..].trim().to_string(),
            _ => {
                self.problems
                    .push(format!("{path}:1: a chapter file starts with `# <title>`"));
                String::new()
            }
        };
        self.chapters.push(Chapter {
            lang,
            number,
            supplement,
            title,
            file: path,
            text,
        });
        let all: Vec<&str> = text.lines().collect();
        let headings: Vec<usize> = all
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("## "))
            .map(|(i, _)| i)
            .collect();
        let mut in_fence = false;
        for (i, l) in all.iter().enumerate() {
            if l.starts_with("```") {
                in_fence = !in_fence;
            } else if !in_fence && l.starts_with("# ") && i > 0 {
                self.problems.push(format!(
                    "{path}:{}: only the first line may be a `# ` heading",
                    i + 1
                ));
            }
        }
        for (n, &start) in headings.iter().enumerate() {
            let end = headings.get(n + 1).copied().unwrap_or(all.len());
            match parse_heading(all[start]) {
                Some((section, title, id)) => {
                    if supplement && !section.is_supplement() {
                        self.problems.push(format!(
                            "{path}:{}: section {section} in a supplement file (expected `S.<n>`)",
                            start + 1
                        ));
                    } else if !supplement && section.chapter != number {
                        self.problems.push(format!(
                            "{path}:{}: section {section} in the file of chapter {number}",
                            start + 1
                        ));
                    }
                    let note =
                        build_note(lang, section, title, id, path, start, &all[start + 1..end]);
                    if note.summary.is_empty() {
                        self.problems
                            .push(format!("{path}:{}: note without a summary", start + 1));
                    }
                    self.notes.push(note);
                }
                None => self.problems.push(format!(
                    "{path}:{}: expected `## <chapter>.<n> <title> {{#<id>}}` (`## S.<n> ...` in the supplement)",
                    start + 1
                )),
            }
        }
    }

    /// The note with this id in this language.
    pub fn note(&self, id: &NoteId, lang: Lang) -> Option<&Note> {
        self.notes.iter().find(|n| n.lang == lang && n.id == *id)
    }

    /// The note a user names, by id or section number (`yield-from`,
    /// `12.6`, `S.3`), in this language.
    pub fn note_by_key(&self, key: &str, lang: Lang) -> Option<&Note> {
        let section = Section::parse(key);
        self.notes
            .iter()
            .find(|n| n.lang == lang && (n.id.as_str() == key || Some(n.section) == section))
    }

    /// All notes of one language, in section order (the course's, then the
    /// supplement's).
    pub fn notes_in(&self, lang: Lang) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(move |n| n.lang == lang)
    }

    /// The course sections of one language, in order (no supplement notes).
    pub fn course_notes_in(&self, lang: Lang) -> impl Iterator<Item = &Note> {
        self.notes_in(lang).filter(|n| !n.section.is_supplement())
    }

    /// The supplement's notes of one language, in order.
    pub fn supplement_notes_in(&self, lang: Lang) -> impl Iterator<Item = &Note> {
        self.notes_in(lang).filter(|n| n.section.is_supplement())
    }

    /// The variants of a sentence template, in file order.
    pub fn templates(&self, lang: Lang, key: &str) -> &[String] {
        self.templates
            .get(&(lang, key.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// All template keys of a language.
    pub fn template_keys(&self, lang: Lang) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .templates
            .keys()
            .filter(|(l, _)| *l == lang)
            .map(|(_, k)| k.as_str())
            .collect();
        keys.sort_unstable();
        keys
    }

    /// A user-interface string (`ui.*` template without placeholders).
    pub fn ui(&self, lang: Lang, key: &str) -> &str {
        self.templates(lang, key).first().map_or("", String::as_str)
    }

    /// Fills the first variant of `key` whose placeholders all have a
    /// value (`render::fill` gives the values of typed arguments).
    pub fn fill(
        &self,
        lang: Lang,
        key: &str,
        value: impl Fn(&str) -> Option<String>,
    ) -> Option<String> {
        self.templates(lang, key)
            .iter()
            .find_map(|template| fill_template(template, &value))
    }
}

/// `{name}` placeholders of a template.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// Fills `{name}` placeholders with `value(name)`; `None` if one is missing.
pub fn fill_template(template: &str, value: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        out.push_str(&value(name)?);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Chinese text as it renders: see [`unwrap_cjk`]; other languages as written.
fn unwrap_for(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Zh => unwrap_cjk(text),
        Lang::En => text.to_string(),
    }
}

/// Whether `c` is a Chinese character or full-width punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{ff00}'..='\u{ffef}' | '\u{2018}'..='\u{201d}' | '\u{2026}')
}

/// Joins the lines of a paragraph that were broken between two Chinese
/// characters: markdown renders such a line break as a space, which shows
/// between Chinese characters. Code blocks are left alone.
pub fn unwrap_cjk(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence = false;
    for line in text.split('\n') {
        let starts_fence = line.trim_start().starts_with("```");
        let joins = !fence
            && !starts_fence
            && out
                .trim_end_matches('\n')
                .chars()
                .last()
                .is_some_and(is_cjk)
            && line.chars().next().is_some_and(is_cjk)
            && !out.ends_with("\n\n")
            && !out.lines().last().is_some_and(|l| l.starts_with('#'));
        if joins {
            out.pop();
        }
        out.push_str(line);
        out.push('\n');
        if starts_fence {
            fence = !fence;
        }
    }
    out.pop();
    out
}

/// `## 12.6 Generator send() and yield from {#yield-from}`
fn parse_heading(line: &str) -> Option<(Section, String, String)> {
    let rest = line.strip_prefix("## ")?.trim();
    let (number, rest) = rest.split_once(' ')?;
    let section = Section::parse(number)?;
    let rest = rest.trim_end();
    let open = rest.rfind("{#")?;
    let id = rest[open + 2..].strip_suffix('}')?.trim();
    let title = rest[..open].trim();
    let id_ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok || title.is_empty() {
        return None;
    }
    Some((section, title.to_string(), id.to_string()))
}

fn build_note(
    lang: Lang,
    section: Section,
    title: String,
    id: String,
    file: &'static str,
    line: usize,
    body_lines: &[&str],
) -> Note {
    let mut related = Vec::new();
    let mut kept: Vec<&str> = Vec::with_capacity(body_lines.len());
    for l in body_lines {
        let t = l.trim();
        if let Some(rest) = t
            .strip_prefix("Related:")
            .or_else(|| t.strip_prefix("相关："))
            .or_else(|| t.strip_prefix("相关:"))
        {
            related.extend(rest.split('§').skip(1).filter_map(|s| {
                // `S.3` or `12.6`, up to the first character that is not part of it.
                let body = s.strip_prefix('S').unwrap_or(s);
                let end = body
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(body.len())
                    + (s.len() - body.len());
                Section::parse(s[..end].trim_end_matches('.'))
            }));
        } else {
            kept.push(l);
        }
    }
    while kept.last().is_some_and(|l| l.trim().is_empty()) {
        kept.pop();
    }
    let start = kept
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(kept.len());
    let kept = &kept[start..];
    let summary = unwrap_for(
        lang,
        &kept
            .iter()
            .take_while(|l| !l.trim().is_empty())
            .map(|l| l.trim())
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .replace('\n', " ");
    Note {
        id: NoteId::new(id),
        section,
        lang,
        title,
        summary,
        body: unwrap_for(lang, &kept.join("\n")),
        related,
        file,
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_chapter() {
        let text = "# Chapter 7 Refs\n\n## 7.4 The default {#mutable-default}\n\nOnce.\n\nMore.\n\n```python\nprint(1)  # -> 1\n```\n\nRelated: §7.1, §7.2\n## 7.5 Bad heading\n";
        let k = Knowledge::parse(&[("en/ch07.md", text)]);
        assert_eq!(k.notes.len(), 1);
        let n = &k.notes[0];
        assert_eq!(
            (n.id.as_str(), n.section.to_string()),
            ("mutable-default", "7.4".into())
        );
        assert_eq!(n.summary, "Once.");
        assert_eq!(
            n.related,
            vec![
                Section {
                    chapter: 7,
                    number: 1
                },
                Section {
                    chapter: 7,
                    number: 2
                }
            ]
        );
        assert!(!n.body.contains("Related"));
        assert_eq!(k.problems.len(), 1, "{:?}", k.problems);
    }

    #[test]
    fn supplement_sections_are_numbered_on_their_own() {
        let s3 = Section::parse("S.3").unwrap();
        assert!(s3.is_supplement());
        assert_eq!(s3.to_string(), "S.3");
        assert_eq!(Section::parse("§s.3"), Some(s3));
        assert_eq!(format!("{s3:<6}|"), "S.3   |");
        let course = Section::parse("13.8").unwrap();
        assert!(!course.is_supplement() && course < s3);
        assert_eq!(Section::parse("S.0"), None);
        assert_eq!(Section::parse("S.x"), None);
        assert_eq!(
            Section::parse("255.1"),
            None,
            "the supplement's chapter is not a number"
        );
        let en = "# Beyond the outline: test\n\n## S.2 Two {#two}\n\nSum.\n\nRelated: §8.5, §S.1\n## 3.1 Course {#c}\n\nX.\n";
        let k = Knowledge::parse(&[("en/supplement-1-test.md", en)]);
        assert_eq!(k.chapters.len(), 1);
        assert!(k.chapters[0].supplement);
        let two = k.notes.iter().find(|n| n.id.as_str() == "two").unwrap();
        assert_eq!(two.section, Section::supplement(2));
        assert_eq!(
            two.related,
            vec![
                Section {
                    chapter: 8,
                    number: 5
                },
                Section::supplement(1)
            ]
        );
        // A course section in a supplement file is a problem, as is a badly named file.
        assert_eq!(k.problems.len(), 1, "{:?}", k.problems);
        let bad = Knowledge::parse(&[("en/supplement-x.md", en)]);
        assert_eq!(bad.problems.len(), 1, "{:?}", bad.problems);
        let ch = Knowledge::parse(&[("en/ch03.md", "# C\n\n## S.1 Misplaced {#m}\n\nX.\n")]);
        assert_eq!(ch.problems.len(), 1, "{:?}", ch.problems);
    }

    #[test]
    fn templates_pick_the_first_complete_variant() {
        let k = Knowledge::parse(&[(
            "en/context.txt",
            "# comment\nk = `{a}` and `{b}`\nk = only `{a}`\n",
        )]);
        let a = |name: &str| (name == "a").then(|| "x".to_string());
        assert_eq!(k.fill(Lang::En, "k", a).as_deref(), Some("only `x`"));
        assert_eq!(k.fill(Lang::En, "missing", a), None);
        assert_eq!(placeholders("`{a}` and `{b}`"), vec!["a", "b"]);
    }

    #[test]
    fn chinese_lines_are_joined_where_they_break_between_characters() {
        let text = "第一行的结尾\n第二行，`code`\n继续。\n\n新段落\n\n```python\n# 注释\n# 注释\n```\n## 标题\n正文";
        assert_eq!(
            unwrap_cjk(text),
            "第一行的结尾第二行，`code`\n继续。\n\n新段落\n\n```python\n# 注释\n# 注释\n```\n## 标题\n正文"
        );
        let k = Knowledge::parse(&[(
            "zh/ch07.md",
            "# 第7章\n\n## 7.4 默认值 {#mutable-default}\n\n默认值只\n求值一次。\n\n更多\n说明。\n",
        )]);
        assert_eq!(k.notes[0].summary, "默认值只求值一次。");
        assert_eq!(k.notes[0].body, "默认值只求值一次。\n\n更多说明。");
    }

    #[test]
    fn languages_from_tags() {
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("zh_TW.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("C.UTF-8"), None);
        assert_eq!(Lang::parse("auto"), None);
    }
}
