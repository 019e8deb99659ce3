//! The ids that cross the seams between the analysis, the knowledge, the
//! renderer and the clients: a course note's ([`NoteId`]) and a pitfall
//! rule's ([`RuleId`]). Typed, so a rule id never stands where a note id
//! belongs; a string from outside (the command line, a command argument,
//! a settings value) becomes one only by a lookup that can fail.

use std::borrow::Cow;
use std::fmt;

/// A note's id (`yield-from`): what trigger files and rules name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct NoteId(Cow<'static, str>);

impl NoteId {
    /// An id written in the code (a rule's note).
    pub const fn from_static(id: &'static str) -> NoteId {
        NoteId(Cow::Borrowed(id))
    }

    /// An id read from the knowledge files (a trigger, a note heading).
    pub fn new(id: impl Into<String>) -> NoteId {
        NoteId(Cow::Owned(id.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NoteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// A rule's id (`mutable-default`): one per file of `rules/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct RuleId(&'static str);

impl RuleId {
    /// An id written in the code (a rule's declaration) or embedded with the
    /// knowledge (a rule doc's file name).
    pub const fn from_static(id: &'static str) -> RuleId {
        RuleId(id)
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.0)
    }
}
