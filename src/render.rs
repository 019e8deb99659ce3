//! Explanations -> markdown for hovers and the CLI. Plain strings, no LSP.

use crate::analysis::args::{Arg, Args, Join, Key, Place, Site};
use crate::analysis::hints::HintKind;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::rules::{self, Diagnostic};
use crate::analysis::tree::FnKind;
use crate::analysis::Explanation;
use crate::knowledge::{knowledge, Lang, Note};

/// How much of the note a hover shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verbosity {
    /// Title, the sentence about this code, the note up to [`HOVER_CHARS`]
    /// and the related sections.
    #[default]
    Full,
    /// Title, the sentence about this code (else the note's summary, its
    /// first paragraph) and where to read the whole note: for
    /// `hover.verbosity = "brief"`, for sections marked as learned and for a
    /// section's later hovers in a session (`hover.repeat`).
    Brief,
}

/// About how many characters a full hover shows after its title: the
/// sentence about this code and the note's leading paragraphs share them
/// (the rest is one click away).
pub const HOVER_CHARS: usize = 600;

/// The bold title line: `**§12.6 Generator send() and yield from**`; a
/// supplement note is marked as beyond the course outline
/// (`**§S.11 functools.cached_property** · *beyond the course outline*`).
pub fn title_line(note: &Note) -> String {
    format!(
        "**§{} {}**{}",
        note.section,
        note.title,
        supplement_tag(note)
    )
}

/// ` · *beyond the course outline*` for a supplement note, else nothing.
fn supplement_tag(note: &Note) -> String {
    if note.section.is_supplement() {
        format!(" · *{}*", knowledge().ui(note.lang, "ui.supplement"))
    } else {
        String::new()
    }
}

/// Fills the first variant of template `key` whose placeholders all have
/// an argument, each written in `lang`.
pub fn fill(lang: Lang, key: &str, args: &Args) -> Option<String> {
    knowledge().fill(lang, key, |name| {
        Some(arg_text(args.get(Key::parse(name)?)?, lang))
    })
}

/// A template with its placeholders filled from `args` (a rule doc's
/// message or fix title), in `lang`.
fn fill_text(template: &str, args: &Args, lang: Lang) -> Option<String> {
    crate::knowledge::fill_template(template, |name| {
        Some(arg_text(args.get(Key::parse(name)?)?, lang))
    })
}

/// An argument as a sentence in `lang` shows it.
pub fn arg_text(arg: &Arg, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let join = |items: &[String], join: Join, more: bool| {
        let sep = match join {
            Join::And if zh => "、",
            Join::And => ", ",
            Join::Or => " / ",
            Join::Arrow => " → ",
        };
        // A whole enumeration ends in "and" (`A`, `B` and `C`).
        let mut out = match (join, items.split_last()) {
            (Join::And, Some((last, rest))) if !more && !rest.is_empty() => {
                format!(
                    "{}{}{last}",
                    rest.join(sep),
                    if zh { " 和 " } else { " and " }
                )
            }
            _ => items.join(sep),
        };
        if more {
            out.push_str(if join == Join::Arrow { " → …" } else { sep });
            if join != Join::Arrow {
                out.push('…');
            }
        }
        out
    };
    match arg {
        Arg::Text(s) => s.clone(),
        Arg::List {
            items,
            join: j,
            more,
        } => join(items, *j, *more),
        Arg::Line(Place { line, module, cell }) => {
            let at = match (cell, zh) {
                (None, false) => format!("line {line}"),
                (None, true) => format!("第 {line} 行"),
                (Some(c), false) => format!("cell {c}, line {line}"),
                (Some(c), true) => format!("第 {c} 个单元格第 {line} 行"),
            };
            match (module, zh) {
                (None, _) => at,
                (Some(m), false) => format!("{at} in `{m}`"),
                (Some(m), true) => format!("`{m}` {at}"),
            }
        }
        Arg::Sites { sites, more } => {
            let site = |s: &Site| {
                let lines: Vec<String> = s.lines.iter().map(u32::to_string).collect();
                let en = if lines.len() == 1 { "line" } else { "lines" };
                match (&s.module, zh) {
                    (None, false) => format!("`{}` ({en} {})", s.method, lines.join(", ")),
                    (Some(m), false) => {
                        format!("`{}` in `{m}` ({en} {})", s.method, lines.join(", "))
                    }
                    (None, true) => format!("`{}`（第 {} 行）", s.method, lines.join("、")),
                    (Some(m), true) => {
                        format!("`{m}` 中的 `{}`（第 {} 行）", s.method, lines.join("、"))
                    }
                }
            };
            let items: Vec<String> = sites.iter().map(site).collect();
            join(&items, Join::And, *more)
        }
    }
}

/// The template key of the sentence added when `self` may be a subclass
/// instance that answers differently (`{overridden}`).
pub const OVERRIDDEN_KEY: &str = "rt-overridden";

/// The sentence about this code, if the trigger has one and a template variant
/// can be filled with the names found.
pub fn context_sentence(expl: &Explanation, lang: Lang) -> Option<String> {
    let sentence = expl
        .context_keys()
        .iter()
        .find_map(|key| fill(lang, key, &expl.args))?;
    // The receiver may be a subclass instance that answers differently:
    // the template fills only when the analysis found `{overridden}`.
    match fill(lang, OVERRIDDEN_KEY, &expl.args) {
        // Chinese sentences follow each other without a space.
        Some(more) if lang == Lang::Zh => Some(format!("{sentence}{more}")),
        Some(more) => Some(format!("{sentence} {more}")),
        None => Some(sentence),
    }
}

/// The hover's markdown for an explanation, or `None` if its note is missing.
pub fn hover_markdown(expl: &Explanation, lang: Lang, verbosity: Verbosity) -> Option<String> {
    let k = knowledge();
    let note = k.note(&expl.note, lang)?;
    let mut out = title_line(note);
    out.push_str("\n\n");
    let more = || {
        fill(
            lang,
            "ui.more",
            &Args::new().with(Key::Section, note.section.to_string()),
        )
    };
    if verbosity == Verbosity::Brief {
        // The sentence about this code is the most useful part; the note's
        // summary stands in where there is none.
        match context_sentence(expl, lang) {
            Some(sentence) => out.push_str(&sentence),
            None => out.push_str(&note.summary),
        }
        if let Some(more) = more() {
            out.push_str("\n\n");
            out.push_str(&more);
        }
        return Some(out);
    }
    let sentence = context_sentence(expl, lang);
    if let Some(sentence) = &sentence {
        out.push_str(sentence);
        if is_keyword_role(expl) {
            // A keyword's hover stays short: the sentence about this use and
            // where to read the note.
            if let Some(more) = more() {
                out.push_str("\n\n");
                out.push_str(&more);
            }
            return Some(out);
        }
    }
    // The sentence about this code comes first and takes its share of the
    // budget (nothing of the note may fit after it); without one, the note's
    // first paragraph is always shown.
    let (excerpt, cut) = match &sentence {
        Some(s) => excerpt_of(
            &note.body,
            HOVER_CHARS.saturating_sub(s.chars().count()),
            false,
        ),
        None => excerpt(&note.body, HOVER_CHARS),
    };
    if !excerpt.is_empty() {
        if sentence.is_some() {
            out.push_str("\n\n");
        }
        out.push_str(&excerpt);
    }
    if cut {
        if let Some(more) = more() {
            out.push_str("\n\n");
            out.push_str(&more);
        }
    }
    if let Some(related) = related_line_with(note, lang, &expl.also) {
        out.push_str("\n\n");
        out.push_str(&related);
    }
    Some(out)
}

/// Whether the explanation is a keyword role (`knowledge/triggers/keywords.scm`,
/// template keys `kw-*`): its full hover is the title, the sentence about this
/// use of the keyword and where to read the note, without an excerpt.
pub fn is_keyword_role(expl: &Explanation) -> bool {
    expl.context
        .as_deref()
        .is_some_and(|k| k.starts_with("kw-"))
}

/// An inlay hint's label: `MRO: D → B → C → A → object`, `generator`, ...
/// Empty for a plain function (which gets no hint).
pub fn hint_label(kind: &HintKind, lang: Lang) -> String {
    let k = knowledge();
    let key = match kind {
        HintKind::Mro(order) => {
            let args = Args::new().with(
                Key::Mro,
                Arg::List {
                    items: order.clone(),
                    join: Join::Arrow,
                    more: false,
                },
            );
            return fill(lang, "ui.hint-mro", &args).unwrap_or_default();
        }
        HintKind::Fn(FnKind::Generator) => "ui.hint-generator",
        HintKind::Fn(FnKind::Coroutine) => "ui.hint-coroutine",
        HintKind::Fn(FnKind::AsyncGenerator) => "ui.hint-async-generator",
        HintKind::Fn(FnKind::Plain) => return String::new(),
    };
    k.ui(lang, key).to_string()
}

/// `Related: §9.3 Generator functions · §12.7 ...` with titles.
pub fn related_line(note: &Note, lang: Lang) -> Option<String> {
    related_line_with(note, lang, &[])
}

/// [`related_line`] with `also` first: the notes (ids) of other sections
/// whose triggers apply where the hover is (`Explanation::also`).
pub fn related_line_with(note: &Note, lang: Lang, also: &[NoteId]) -> Option<String> {
    let k = knowledge();
    let own = note.section.to_string();
    let mut sections: Vec<String> = also
        .iter()
        .filter_map(|id| k.note(id, lang))
        .map(|n| n.section.to_string())
        .collect();
    for s in &note.related {
        sections.push(s.to_string());
    }
    let mut seen = std::collections::HashSet::new();
    sections.retain(|s| *s != own && seen.insert(s.clone()));
    if sections.is_empty() {
        return None;
    }
    let items: Vec<String> = sections
        .iter()
        .map(|s| match k.note_by_key(s, lang) {
            Some(r) => format!("§{} {}", r.section, r.title),
            None => format!("§{s}"),
        })
        .collect();
    let label = k.ui(lang, "ui.related");
    // No space after a full-width colon (`相关：§9.3 …`).
    let gap = if label.ends_with('：') { "" } else { " " };
    Some(format!("{label}{gap}{}", items.join(" · ")))
}

/// The full note as markdown: title, body, related line.
pub fn full_note(note: &Note, lang: Lang) -> String {
    let mut out = format!(
        "## §{} {}{}\n\n{}",
        note.section,
        note.title,
        supplement_tag(note),
        note.body
    );
    if let Some(related) = related_line(note, lang) {
        out.push_str("\n\n");
        out.push_str(&related);
    }
    out.push('\n');
    out
}

/// The leading blocks of a note (paragraphs and whole code blocks) that fit
/// in `budget` characters; always at least the first paragraph. Returns
/// whether anything was left out. The cut never separates a heading or a
/// paragraph that ends with a colon from the block it introduces, nor an
/// example from the ` ```text ` block that shows its output.
pub fn excerpt(body: &str, budget: usize) -> (String, bool) {
    excerpt_of(body, budget, true)
}

/// [`excerpt`], keeping the first paragraph even beyond `budget` only if
/// `at_least_first`.
fn excerpt_of(body: &str, budget: usize, at_least_first: bool) -> (String, bool) {
    let units = units(&blocks(body));
    let mut used = 0;
    let mut kept: Vec<&str> = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let chars = unit.iter().map(|b| b.chars().count() + 2).sum::<usize>();
        if (i > 0 || !at_least_first) && used + chars > budget {
            return (kept.join("\n\n"), true);
        }
        used += chars;
        kept.extend(unit);
    }
    (kept.join("\n\n"), false)
}

/// Groups blocks that must stay together: a heading or a paragraph ending
/// in `:` / `：` with the next block, a ` ```python ` block with the
/// ` ```text ` block right after it.
fn units<'a>(blocks: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut out: Vec<Vec<&'a str>> = Vec::new();
    let mut glue = false;
    for block in blocks {
        let output = block.starts_with("```text")
            && out
                .last()
                .and_then(|u| u.last())
                .is_some_and(|prev| prev.starts_with("```python"));
        match out.last_mut() {
            Some(unit) if glue || output => unit.push(block),
            _ => out.push(vec![block]),
        }
        glue = block.starts_with('#')
            || (!block.starts_with("```") && (block.ends_with(':') || block.ends_with('：')));
    }
    out
}

/// Splits markdown into blocks separated by blank lines, keeping fenced code
/// blocks whole.
fn blocks(body: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut in_fence = false;
    let mut offset = 0;
    let mut last_end = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        let line_start = offset;
        offset += line.len();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        }
        if trimmed.is_empty() && !in_fence {
            if let Some(s) = start.take() {
                out.push(body[s..last_end].trim_end());
            }
            continue;
        }
        if start.is_none() {
            start = Some(line_start);
        }
        last_end = offset;
    }
    if let Some(s) = start {
        out.push(body[s..last_end].trim_end());
    }
    out
}

/// A diagnostic's message in `lang` (the rule id if its doc, or the
/// variant of the message it names, is missing).
pub fn diagnostic_message(d: &Diagnostic, lang: Lang) -> String {
    knowledge()
        .rule_doc(d.rule, lang)
        .and_then(|doc| doc.message_for(d.variant))
        .and_then(|template| fill_text(template, &d.args, lang))
        .unwrap_or_else(|| d.rule.to_string())
}

/// The quick fix's title in `lang`.
pub fn fix_title(d: &Diagnostic, lang: Lang) -> String {
    knowledge()
        .rule_doc(d.rule, lang)
        .and_then(|doc| doc.fix.as_deref())
        .and_then(|t| fill_text(t, &d.args, lang))
        .unwrap_or_else(|| format!("Fix {}", d.rule))
}

/// The section a rule cites (`7.4`).
pub fn rule_section(id: RuleId) -> Option<String> {
    let rule = rules::rule(id)?;
    let note = knowledge().note(&rule.note, Lang::En)?;
    Some(note.section.to_string())
}

/// The hover over a diagnostic: `**§7.4 mutable-default-argument**`, the
/// message, then the rule's documentation (excerpt). A Chinese hover is
/// titled in Chinese (`**§7.4 可变的默认参数**`) with the rule id on the
/// second line.
pub fn rule_hover(d: &Diagnostic, lang: Lang) -> Option<String> {
    let doc = knowledge().rule_doc(d.rule, lang)?;
    let section = rule_section(d.rule)?;
    let (body, _) = excerpt(&doc.body, HOVER_CHARS);
    let title = match (lang, &doc.title) {
        (Lang::Zh, Some(title)) => format!("**§{section} {title}**  \n`{}`", d.rule),
        _ => format!("**§{section} {}**", d.rule),
    };
    Some(format!(
        "{title}\n\n{}\n\n{body}",
        diagnostic_message(d, lang)
    ))
}

/// The whole rule documentation: `pyexplain rule ID`.
pub fn rule_doc_full(id: RuleId, lang: Lang) -> Option<String> {
    let rule = rules::rule(id)?;
    let doc = knowledge().rule_doc(id, lang)?;
    let note = knowledge().note(&rule.note, lang)?;
    let fix = match rule.fix {
        rules::Fixes::Safe => knowledge().ui(lang, "ui.fix-safe"),
        rules::Fixes::Unsafe => knowledge().ui(lang, "ui.fix-unsafe"),
        rules::Fixes::Mixed => knowledge().ui(lang, "ui.fix-mixed"),
        rules::Fixes::None => knowledge().ui(lang, "ui.fix-none"),
    };
    Some(format!(
        "# {id}\n\n§{} {} · {} · {fix}\n\n{}\n",
        note.section,
        note.title,
        rule.severity.as_str(),
        doc.body
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Typed arguments are written in the reader's language: a line of
    /// another module never reads "第 10 in `m` 行".
    #[test]
    fn arguments_are_written_in_the_language() {
        let line = |module: Option<&str>| {
            Arg::Line(Place {
                line: 10,
                module: module.map(String::from),
                cell: None,
            })
        };
        let in_cell = Arg::Line(Place {
            line: 5,
            module: None,
            cell: Some(2),
        });
        assert_eq!(arg_text(&in_cell, Lang::En), "cell 2, line 5");
        assert_eq!(arg_text(&in_cell, Lang::Zh), "第 2 个单元格第 5 行");
        assert_eq!(arg_text(&line(None), Lang::En), "line 10");
        assert_eq!(
            arg_text(&line(Some("shop.models")), Lang::En),
            "line 10 in `shop.models`"
        );
        assert_eq!(arg_text(&line(None), Lang::Zh), "第 10 行");
        assert_eq!(
            arg_text(&line(Some("shop.models")), Lang::Zh),
            "`shop.models` 第 10 行"
        );
        let sites = Arg::Sites {
            sites: vec![
                Site {
                    method: "C.run".into(),
                    module: None,
                    lines: vec![3, 5],
                },
                Site {
                    method: "D.go".into(),
                    module: Some("m".into()),
                    lines: vec![7],
                },
            ],
            more: true,
        };
        assert_eq!(
            arg_text(&sites, Lang::En),
            "`C.run` (lines 3, 5), `D.go` in `m` (line 7), …"
        );
        assert_eq!(
            arg_text(&sites, Lang::Zh),
            "`C.run`（第 3、5 行）、`m` 中的 `D.go`（第 7 行）、…"
        );
        let list = |join| Arg::List {
            items: vec!["`A`".into(), "`B`".into()],
            join,
            more: true,
        };
        assert_eq!(arg_text(&list(Join::Or), Lang::Zh), "`A` / `B` / …");
        assert_eq!(arg_text(&list(Join::And), Lang::Zh), "`A`、`B`、…");
        assert_eq!(arg_text(&list(Join::Arrow), Lang::En), "`A` → `B` → …");
    }

    #[test]
    fn excerpt_keeps_code_blocks_whole() {
        let body = "Summary.\n\nPara.\n\n```python\na\n\nb\n```\n\nTail.";
        assert_eq!(blocks(body).len(), 4);
        let (text, cut) = excerpt(body, 20);
        assert_eq!(text, "Summary.\n\nPara.");
        assert!(cut);
        let (text, cut) = excerpt(body, 100);
        assert!(text.contains("a\n\nb") && !cut);
    }

    #[test]
    fn excerpt_keeps_an_intro_with_its_block_and_an_example_with_its_output() {
        let body = "Summary.\n\nLike this:\n\n```python\nprint(1)\n```\n\n```text\n1\n```\n\nTail.";
        // Budget for "Like this:" alone, or for it and the code but not the output.
        for budget in [25, 50] {
            assert_eq!(excerpt(body, budget), ("Summary.".to_string(), true));
        }
        let (text, cut) = excerpt(body, 65);
        assert!(text.ends_with("```text\n1\n```") && cut, "{text}");
        // A colon inside a code block glues nothing.
        let body = "Summary.\n\n```python\nif x:\n```\n\nTail.";
        assert_eq!(excerpt(body, 35).0, "Summary.\n\n```python\nif x:\n```");
    }

    #[test]
    fn a_full_hover_keeps_within_the_budget_after_its_title() {
        // The sentence and the note's paragraphs share HOVER_CHARS; the
        // title, the "full note" line and the related line come on top.
        for lang in Lang::ALL {
            let expl = yield_from();
            let note = knowledge().note(&expl.note, lang).unwrap();
            let full = hover_markdown(&expl, lang, Verbosity::Full).unwrap();
            let more = fill(lang, "ui.more", &Args::new().with(Key::Section, "12.6")).unwrap();
            let frame = title_line(note).chars().count()
                + more.chars().count()
                + related_line(note, lang).unwrap().chars().count()
                + 8;
            let chars = full.chars().count();
            assert!(chars <= frame + HOVER_CHARS, "{chars} characters:\n{full}");
            assert!(full.starts_with(&format!(
                "{}\n\n{}",
                title_line(note),
                context_sentence(&expl, lang).unwrap()
            )));
            assert!(!full.contains("\n\n\n"), "{full}");
        }
    }

    fn yield_from() -> Explanation {
        let src = "def delegate(results, key):\n    results[key] = yield from averager()\n";
        let parsed = crate::analysis::Parsed::new(src.to_string());
        crate::analysis::explain_at(&parsed, src.find("yield from").unwrap_or(0)).unwrap()
    }

    #[test]
    fn brief_is_title_sentence_and_where_to_read_more() {
        for lang in Lang::ALL {
            let expl = yield_from();
            let note = knowledge().note(&expl.note, lang).unwrap();
            let brief = hover_markdown(&expl, lang, Verbosity::Brief).unwrap();
            let more = fill(lang, "ui.more", &Args::new().with(Key::Section, "12.6")).unwrap();
            let sentence = context_sentence(&expl, lang).unwrap();
            assert_eq!(
                brief,
                format!("{}\n\n{sentence}\n\n{more}", title_line(note))
            );
            // Without a sentence, the summary stands in.
            let bare = Explanation {
                context: None,
                ..expl.clone()
            };
            assert_eq!(
                hover_markdown(&bare, lang, Verbosity::Brief).unwrap(),
                format!("{}\n\n{}\n\n{more}", title_line(note), note.summary)
            );
            let full = hover_markdown(&expl, lang, Verbosity::Full).unwrap();
            assert!(full.contains(&context_sentence(&expl, lang).unwrap()));
            assert!(full.contains(&related_line(note, lang).unwrap()));
            assert!(full.len() > brief.len());
        }
    }

    #[test]
    fn keyword_roles_are_short_and_supplement_notes_marked() {
        let src = "for x in items:\n    break\nelse:\n    pass\n";
        let parsed = crate::analysis::Parsed::new(src.to_string());
        let offset = src.find("else").unwrap_or(0);
        let expl = crate::analysis::explain_at(&parsed, offset).unwrap();
        assert!(is_keyword_role(&expl));
        for lang in Lang::ALL {
            let note = knowledge().note(&expl.note, lang).unwrap();
            assert!(note.section.is_supplement());
            let md = hover_markdown(&expl, lang, Verbosity::Full).unwrap();
            let more = fill(
                lang,
                "ui.more",
                &Args::new().with(Key::Section, note.section.to_string()),
            )
            .unwrap();
            // Title (marked as beyond the outline), the sentence, the link: no excerpt.
            assert_eq!(
                md,
                format!(
                    "{}\n\n{}\n\n{more}",
                    title_line(note),
                    context_sentence(&expl, lang).unwrap()
                )
            );
            assert!(title_line(note)
                .ends_with(&format!(" · *{}*", knowledge().ui(lang, "ui.supplement"))));
        }
        // A course hover is not a keyword role and keeps its excerpt.
        let course = yield_from();
        assert!(!is_keyword_role(&course));
        assert!(!title_line(knowledge().note(&course.note, Lang::En).unwrap()).contains(" · "));
    }

    #[test]
    fn rule_hovers_are_titled_in_their_language() {
        let src = "def add(item, bucket=[]):\n    return bucket\n";
        let parsed = crate::analysis::Parsed::new(src.to_string());
        let selection = rules::Selection {
            select: vec!["mutable-default-argument".into()],
            ignore: vec![],
        };
        let found = rules::check(&parsed, &selection);
        let d = found.first().unwrap();
        let en = rule_hover(d, Lang::En).unwrap();
        assert!(
            en.starts_with("**§7.4 mutable-default-argument**\n\n"),
            "{en}"
        );
        let zh = rule_hover(d, Lang::Zh).unwrap();
        assert!(
            zh.starts_with("**§7.4 可变的默认参数**  \n`mutable-default-argument`\n\n"),
            "{zh}"
        );
        // Every Chinese rule document has its title.
        for doc in knowledge().rules.iter().filter(|r| r.lang == Lang::Zh) {
            let title = doc.title.as_deref().unwrap_or_default();
            assert!(title.chars().any(crate::knowledge::is_cjk), "{}", doc.id);
        }
    }

    #[test]
    fn hint_labels_in_both_languages() {
        let mro = HintKind::Mro(vec!["D".into(), "B".into(), "object".into()]);
        assert_eq!(hint_label(&mro, Lang::En), "MRO: D → B → object");
        assert_eq!(hint_label(&mro, Lang::Zh), "MRO：D → B → object");
        let kinds = [
            (FnKind::Generator, "generator", "生成器"),
            (FnKind::Coroutine, "coroutine", "协程"),
            (FnKind::AsyncGenerator, "async generator", "异步生成器"),
        ];
        for (kind, en, zh) in kinds {
            assert_eq!(hint_label(&HintKind::Fn(kind), Lang::En), en);
            assert_eq!(hint_label(&HintKind::Fn(kind), Lang::Zh), zh);
        }
        assert_eq!(hint_label(&HintKind::Fn(FnKind::Plain), Lang::En), "");
    }
}
