; Keyword roles: a short hover on a keyword, its role decided by where it
; stands in the tree, with a link to the note that explains it. Contract:
; src/analysis/explain.rs. Sentences: knowledge/*/context-keywords.txt; keys
; start with `kw-`, which makes the hover short (title, sentence, link: see
; src/render.rs). Roles the course files already explain are not repeated
; here: `is`/`is not` (ch07.scm), `del` (ch07.scm), `yield`, `yield from`,
; `await`, `async def`/`with`/`for` (00-foundation.scm), comprehension
; `for`/`in`/`if` (ch05.scm), `with` and `finally` (00-foundation.scm,
; ch04.scm). This file sorts after the chapter files, so on the same
; construct a course pattern wins.
; `#set! level` gives each pattern's relevance level (issue 14): core (the
; construct the note is about), usage, everyday (plain control flow and what
; every program is full of: hidden at the default level, `usage`).

; The hover range is the construct's header (up to its `:`); for the
; clauses whose block is not a `body` field (`if`, `elif`, `case`,
; `except`), `@range` makes it the keyword.

; ---------------------------------------------------------------- for ... in: §9.1
; `async for` first: the generic pattern below matches it too.
((for_statement "async" "for" left: (_) @arg.target "in" @anchor right: (_) @arg.iter) @construct
  (#set! level "usage")
  (#set! note "async-await") (#set! context "kw-async-for-in"))

((for_statement "for" @anchor left: (_) @arg.target "in" @anchor right: (_) @arg.iter) @construct
  (#set! level "everyday")
  (#set! note "iteration-protocol") (#set! context "kw-for-in"))

; ---------------------------------------------------------------- x in y, x not in y: §3.3
((comparison_operator . (_) @arg.left . operators: "in" @anchor . (_) @arg.right .) @construct
  (#set! level "everyday")
  (#set! note "magic-methods-overview") (#set! context "kw-in"))

((comparison_operator . (_) @arg.left . operators: "not in" @anchor . (_) @arg.right .) @construct
  (#set! level "everyday")
  (#set! note "magic-methods-overview") (#set! context "kw-not-in"))

; Chained comparisons (`a in b in c`): no names.
((comparison_operator operators: ["in" "not in"] @anchor) @construct
  (#set! level "everyday")
  (#set! note "magic-methods-overview") (#set! context "kw-in-chained"))

; ---------------------------------------------------------------- else: S.16, S.17, S.22
((for_statement right: (_) @arg.iter alternative: (else_clause "else" @anchor) @construct)
  (#set! level "core")
  (#set! note "loop-else") (#set! context "kw-for-else"))

((while_statement alternative: (else_clause "else" @anchor) @construct)
  (#set! level "core")
  (#set! note "loop-else") (#set! context "kw-while-else"))

((try_statement (else_clause "else" @anchor) @construct)
  (#set! level "core")
  (#set! note "try-statement") (#set! context "kw-try-else"))

((if_statement alternative: (else_clause "else" @anchor) @construct)
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-if-else"))

((conditional_expression . (_) @arg.body . "if" @anchor . (_) @arg.cond . "else" @anchor . (_) @arg.other .) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-conditional"))

; ---------------------------------------------------------------- break, continue: S.16
((break_statement) @anchor @construct
  (#set! level "everyday")
  (#set! note "loop-else") (#set! context "kw-break"))

((continue_statement) @anchor @construct
  (#set! level "everyday")
  (#set! note "loop-else") (#set! context "kw-continue"))

; ---------------------------------------------------------------- if, elif, while: S.22
((if_statement "if" @anchor @range condition: (_) @arg.cond) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-if"))

((elif_clause "elif" @anchor @range condition: (_) @arg.cond) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-elif"))

; `while True:` never stops on its condition (first: it wins the tie).
((while_statement "while" @anchor condition: (true)) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-while-true"))

((while_statement "while" @anchor condition: (_) @arg.cond) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-while"))

; ---------------------------------------------------------------- and, or, not: S.22
((boolean_operator left: (_) @arg.left operator: "and" @anchor right: (_) @arg.right) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-and"))

((boolean_operator left: (_) @arg.left operator: "or" @anchor right: (_) @arg.right) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-or"))

((not_operator "not" @anchor argument: (_) @arg.arg) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-not"))

; ---------------------------------------------------------------- try, except, raise: S.17-S.19
((try_statement "try" @anchor) @construct
  (#set! level "everyday")
  (#set! note "try-statement") (#set! context "kw-try"))

; `except* E`: the member exceptions of a group.
; (Two patterns, not an alternation: `(_)` matches the `as` pattern too, and
; on the same construct the earlier pattern wins.)
((except_clause "except" @anchor "*" @anchor value: (as_pattern . (_) @arg.exc)) @construct
  (#set! level "core")
  (#set! note "exception-groups") (#set! context "kw-except-star"))

((except_clause "except" @anchor "*" @anchor value: (_) @arg.exc) @construct
  (#set! level "core")
  (#set! note "exception-groups") (#set! context "kw-except-star"))

; `except* E as eg`: a group of the matching members.
((except_clause "*" value: (as_pattern "as" @anchor @range alias: (as_pattern_target) @arg.name)) @construct
  (#set! level "core")
  (#set! note "exception-groups") (#set! context "kw-except-star-as"))

; `except E as e`: the name is deleted at the end of the clause.
((except_clause value: (as_pattern "as" @anchor @range alias: (as_pattern_target) @arg.name)) @construct
  (#set! level "everyday")
  (#set! note "try-statement") (#set! context "kw-except-as"))

((except_clause "except" @anchor @range value: (as_pattern . (_) @arg.exc)) @construct
  (#set! level "everyday")
  (#set! note "try-statement") (#set! context "kw-except"))

((except_clause "except" @anchor @range value: (_) @arg.exc) @construct
  (#set! level "everyday")
  (#set! note "try-statement") (#set! context "kw-except"))

; A bare `except:` (no `value`: this pattern is `usage` and the ones above
; are `everyday`, so it must not rely on their winning the tie).
((except_clause !value "except" @anchor @range) @construct
  (#set! level "usage")
  (#set! note "try-statement") (#set! context "kw-except-bare"))

; `except ...: pass`: the exception is swallowed.
((except_clause (block . (pass_statement) @anchor @construct .))
  (#set! level "usage")
  (#set! note "try-statement") (#set! context "kw-pass-except"))

((raise_statement "raise" @anchor "from" @anchor cause: (none)) @construct
  (#set! level "core")
  (#set! note "raise-from") (#set! context "kw-raise-from-none"))

((raise_statement "raise" @anchor "from" @anchor cause: (_) @arg.cause) @construct
  (#set! level "core")
  (#set! note "raise-from") (#set! context "kw-raise-from"))

((raise_statement "raise" @anchor . (_) @arg.exc) @construct
  (#set! level "everyday")
  (#set! note "try-statement") (#set! context "kw-raise"))

; A bare `raise`: re-raise.
((raise_statement "raise" @anchor) @construct
  (#set! level "everyday")
  (#set! note "raise-from") (#set! context "kw-reraise"))

; ---------------------------------------------------------------- with ... as: §4.11, §12.8
((with_statement "async"
   (with_clause (with_item value: (as_pattern . (_) @arg.expr "as" @anchor alias: (as_pattern_target) @arg.target)))) @construct
  (#set! level "usage")
  (#set! note "async-await") (#set! context "kw-async-with-as"))

((with_statement
   (with_clause (with_item value: (as_pattern . (_) @arg.expr "as" @anchor alias: (as_pattern_target) @arg.target)))) @construct
  (#set! level "everyday")
  (#set! note "with-statement") (#set! context "kw-with-as"))

; ---------------------------------------------------------------- import, from, as: S.22
((future_import_statement "from" @anchor "import" @anchor name: (_) @arg.feature) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-from-future"))

; Earlier patterns win the tie on the same statement: an import that never
; runs (`if TYPE_CHECKING:`), then the special forms, then the plain ones.
((import_from_statement "from" @anchor "import" @anchor) @construct
  (#set! level "everyday") (#set! requires "type-checking-only")
  (#set! note "keywords") (#set! context "kw-import-type-checking"))

((import_statement "import" @anchor) @construct
  (#set! level "everyday") (#set! requires "type-checking-only")
  (#set! note "keywords") (#set! context "kw-import-type-checking"))

; `from . import x`: names of the package, or its submodules.
((import_from_statement "from" @anchor module_name: (relative_import . (import_prefix) .) @arg.module "import" @anchor) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-from-package-import"))

; `from .sub import x` in a package's `__init__.py` also binds `sub` there.
((import_from_statement "from" @anchor module_name: (relative_import (import_prefix) @_dot (dotted_name . (identifier) @arg.sub)) @arg.module "import" @anchor) @construct
  (#eq? @_dot ".")
  (#set! level "everyday") (#set! requires "package-init")
  (#set! note "keywords") (#set! context "kw-from-submodule-import"))

; `import *` binds no listed name.
((import_from_statement "from" @anchor module_name: (_) @arg.module "import" @anchor (wildcard_import)) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-from-import-star"))

((import_from_statement "from" @anchor module_name: (_) @arg.module "import" @anchor) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-from-import"))

((import_statement "import" @anchor) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-import"))

; `as` in an import that never runs binds nothing (it comes first).
((aliased_import "as" @anchor) @construct
  (#set! level "everyday") (#set! requires "type-checking-only")
  (#set! note "keywords") (#set! context "kw-import-type-checking"))

; `import X as X`: the re-export idiom (it comes before the plain `as`: it
; wins the tie).
((aliased_import name: (_) @arg.name "as" @anchor alias: (identifier) @arg.alias) @construct
  (#eq? @arg.name @arg.alias)
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-import-as-reexport"))

((aliased_import name: (_) @arg.name "as" @anchor alias: (identifier) @arg.alias) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-import-as"))

; ---------------------------------------------------------------- def, class, return
; A generator function: its `def` gets §9.3 too (the name already does).
((function_definition "def" @anchor name: (identifier) @arg.name) @construct
  (#set! level "core")
  (#set! note "generator-functions") (#set! context "kw-def-generator")
  (#set! requires "generator-function"))

((decorated_definition definition: (function_definition "def" @anchor name: (identifier) @arg.name) @construct)
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-def-decorated"))

((function_definition "def" @anchor name: (identifier) @arg.name) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-def"))

((decorated_definition definition: (class_definition "class" @anchor name: (identifier) @arg.cls) @construct)
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-class-decorated"))

((class_definition "class" @anchor name: (identifier) @arg.cls) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-class"))

; `return` in a generator: StopIteration(value). (The predicate looks at the
; nearest enclosing function.)
((return_statement "return" @anchor . (_) @arg.value) @construct
  (#set! level "core")
  (#set! note "generator-functions") (#set! context "kw-return-generator")
  (#set! requires "in-function:generator"))

((return_statement "return" @anchor) @construct
  (#set! level "core")
  (#set! note "generator-functions") (#set! context "kw-return-generator")
  (#set! requires "in-function:generator"))

((return_statement "return" @anchor) @construct
  (#set! level "usage")
  (#set! note "generator-functions") (#set! context "kw-return-async-generator")
  (#set! requires "in-function:async-generator"))

((return_statement "return" @anchor . (_) @arg.value) @construct
  (#set! level "everyday")
  (#set! note "async-await") (#set! context "kw-return-coroutine")
  (#set! requires "in-function:coroutine"))

((return_statement "return" @anchor . (_) @arg.value) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-return"))

((return_statement "return" @anchor) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-return"))

; ---------------------------------------------------------------- lambda, global, nonlocal: S.9
((lambda "lambda" @anchor) @construct
  (#set! level "everyday")
  (#set! note "closures") (#set! context "kw-lambda"))

((global_statement "global" @anchor . (identifier) @arg.name) @construct
  (#set! level "core")
  (#set! note "closures") (#set! context "kw-global"))

((nonlocal_statement "nonlocal" @anchor . (identifier) @arg.name) @construct
  (#set! level "core")
  (#set! note "closures") (#set! context "kw-nonlocal"))

; ---------------------------------------------------------------- assert, pass: S.22
; `assert (cond, "message")`: a non-empty tuple, always true.
((assert_statement "assert" @anchor . (tuple (_))) @construct
  (#set! level "core")
  (#set! note "keywords") (#set! context "kw-assert-tuple"))

((assert_statement "assert" @anchor . (_) @arg.cond) @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-assert"))

((pass_statement) @anchor @construct
  (#set! level "everyday")
  (#set! note "keywords") (#set! context "kw-pass"))

; ---------------------------------------------------------------- match, case, _: S.21
; Soft keywords: the grammar makes them anonymous nodes only where they are
; keywords, so a variable named `match` or a function named `case` never
; matches these patterns.
((match_statement "match" @anchor subject: (_) @arg.subject) @construct
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-match"))

((case_clause "case" @anchor @range guard: (if_clause (_) @arg.guard)) @construct
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-case-guard"))

; The guard's `if`.
((case_clause guard: (if_clause "if" @anchor (_) @arg.guard) @range) @construct
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-case-guard"))

((case_clause "case" @anchor @range) @construct
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-case"))

; `case RED:`: a bare name captures, it does not compare.
((case_clause (case_pattern (dotted_name . (identifier) @anchor @arg.name .)) @construct)
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-case-capture"))

; `case _:`: the wildcard as the whole pattern.
((case_clause (case_pattern "_" @anchor) @construct)
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-case-wildcard"))

; `_` inside a pattern.
((case_pattern "_" @anchor) @construct
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-wildcard"))

((keyword_pattern "_" @anchor) @construct
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-wildcard"))

((splat_pattern "_" @anchor) @construct
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-wildcard"))

; `case ... as name`
((as_pattern (case_pattern) "as" @anchor (identifier) @arg.name) @construct
  (#set! level "core")
  (#set! note "match-statement") (#set! context "kw-case-as"))

; ---------------------------------------------------------------- type (3.12+): S.7
; `type` is a soft keyword only at the start of this statement; `type(x)` is
; the builtin (§2.2, ch02.scm).
((type_alias_statement "type" @anchor left: (type) @arg.name) @construct
  (#set! level "core")
  (#set! note "generics") (#set! context "kw-type-alias"))
