//! `pyexplain map PATH...`: which sections of the course the files exercise,
//! per chapter in course order, with a count and the first example of each.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use crate::course_map::{self, CourseMap, Links};
use crate::knowledge::Lang;

/// Output formats of `map`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MapFormat {
    Text,
    Json,
    Markdown,
}

/// The `map` subcommand's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct MapOptions {
    /// Files or directories (directories are walked for *.py and *.ipynb, respecting .gitignore and the exclusions).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = MapFormat::Text)]
    pub format: MapFormat,
    /// List the sections no file exercises too (count 0).
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum)]
    pub lang: Option<super::LangArg>,
    #[command(flatten)]
    pub files: super::FileArgs,
}

/// Runs `map`; returns the exit code (0, or 2 when a path could not be
/// walked or a file read; the map of the rest is printed all the same, and
/// none when nothing could be walked).
pub fn run(opts: &MapOptions, out: &mut impl Write) -> std::io::Result<i32> {
    let mut err = std::io::stderr();
    let Some((files, walk_errors)) = opts.files.collect(&opts.paths, &mut err)? else {
        return Ok(2);
    };
    let mut failed = !walk_errors.is_empty();
    // Like `check`: --lang, then `[tool.pyexplain] language`, then LANG.
    let lang = opts
        .lang
        .map(|l| super::lang(Some(l)))
        .or_else(|| {
            let dir = files.first()?.parent()?;
            crate::config::load_for(dir).ok()?.language
        })
        .or_else(Lang::from_env)
        .unwrap_or(Lang::En);
    if files.is_empty() {
        if failed {
            // Nothing could be walked: an error, not an empty map.
            return Ok(2);
        }
        let k = crate::knowledge::knowledge();
        writeln!(err, "pyexplain: warning: {}", k.ui(lang, "ui.no-files"))?;
    }

    let done = Arc::new(AtomicUsize::new(0));
    let progress = super::check::Progress::start("mapped", files.len(), done.clone());
    let map = course_map::map_files(&files, &done);
    progress.stop();
    for (path, why) in &map.skipped {
        writeln!(err, "pyexplain: warning: {}: {why}", path.display())?;
    }
    for (path, why) in &map.errors {
        writeln!(err, "pyexplain: {}: {why}", path.display())?;
        failed = true;
    }
    match opts.format {
        MapFormat::Text => write_text(out, &map, lang, opts.all)?,
        MapFormat::Json => writeln!(out, "{:#}", map.to_json(lang, opts.all))?,
        MapFormat::Markdown => {
            let links = Links {
                preamble: Vec::new(),
                section: &|_| None,
                example: &|e| {
                    let path = e.path.display().to_string();
                    // A notebook's lines are its cells': no line anchor.
                    let anchor = match e.cell {
                        Some(_) => String::new(),
                        None => format!("#L{}", e.line),
                    };
                    let target = course_map::link_destination(&format!("{path}{anchor}"));
                    (e.place(), Some(target))
                },
            };
            write!(out, "{}", map.to_markdown(lang, opts.all, &links))?;
        }
    }
    Ok(if failed { 2 } else { 0 })
}

/// Per chapter a heading, per section one aligned line:
/// `§12.6   yield-from   Generator send() and yield from   3   a.py:12`.
fn write_text(out: &mut impl Write, map: &CourseMap, lang: Lang, all: bool) -> std::io::Result<()> {
    let chapters = map.chapters(lang);
    let shown = |r: &&course_map::Row| all || r.count > 0;
    let rows = || chapters.iter().flat_map(|c| c.rows.iter()).filter(shown);
    let section_w = rows()
        .map(|r| r.note.section.to_string().len() + 1)
        .max()
        .unwrap_or(0);
    let id_w = rows().map(|r| r.note.id.as_str().len()).max().unwrap_or(0);
    let title_w = rows().map(|r| width(&r.note.title)).max().unwrap_or(0);
    let count_w = rows().map(|r| r.count.to_string().len()).max().unwrap_or(0);
    let mut first = true;
    for c in &chapters {
        let rows: Vec<_> = c.rows.iter().filter(shown).collect();
        if rows.is_empty() {
            continue;
        }
        if !first {
            writeln!(out)?;
        }
        first = false;
        writeln!(out, "{} ({}/{})", c.title, c.exercised(), c.rows.len())?;
        for r in rows {
            let section = format!("§{}", r.note.section);
            let example = r
                .examples
                .first()
                .map_or_else(|| "-".to_string(), |e| e.place());
            let pad = " ".repeat(title_w.saturating_sub(width(&r.note.title)));
            writeln!(
                out,
                "  {section:<section_w$}  {:<id_w$}  {}{pad}  {:>count_w$}  {example}",
                r.note.id, r.note.title, r.count
            )?;
        }
    }
    if !first {
        writeln!(out)?;
    }
    writeln!(out, "{}", map.summary(lang))
}

/// Display width in a terminal (Unicode's East Asian Width and emoji
/// presentation: CJK and emoji take two columns, combining marks none).
fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_width_counts_wide_characters_emoji_and_combining_marks() {
        assert_eq!(super::width("yield from"), 10);
        assert_eq!(super::width("生成器 send()"), 13);
        assert_eq!(super::width("（全角）"), 8);
        assert_eq!(super::width("한글 かな"), 9);
        // Emoji take two columns; combining marks none.
        assert_eq!(super::width("🐍 asyncio"), 10);
        assert_eq!(super::width("caf\u{e9}"), 4);
        assert_eq!(super::width("cafe\u{301}"), 4);
        assert_eq!(super::width("\u{4e2d}\u{301}"), 2);
    }
}
