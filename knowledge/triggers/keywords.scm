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
; `; level:` lines give the relevance level of the pattern below (issue 14):
; core (the construct the note is about), usage, everyday (plain control flow).

; The hover range is the construct's header (up to its `:`); for the
; clauses whose block is not a `body` field (`if`, `elif`, `case`,
; `except`), `@range` makes it the keyword.

; ---------------------------------------------------------------- for ... in: §9.1
; `async for` first: the generic pattern below matches it too.
; level: usage
((for_statement "async" "for" left: (_) @arg.target "in" @anchor right: (_) @arg.iter) @construct
  (#set! note "async-await") (#set! context "kw-async-for-in"))

; level: everyday
((for_statement "for" @anchor left: (_) @arg.target "in" @anchor right: (_) @arg.iter) @construct
  (#set! note "iteration-protocol") (#set! context "kw-for-in"))

; ---------------------------------------------------------------- x in y, x not in y: §3.3
; level: everyday
((comparison_operator . (_) @arg.left . operators: "in" @anchor . (_) @arg.right .) @construct
  (#set! note "magic-methods-overview") (#set! context "kw-in"))

; level: everyday
((comparison_operator . (_) @arg.left . operators: "not in" @anchor . (_) @arg.right .) @construct
  (#set! note "magic-methods-overview") (#set! context "kw-not-in"))

; Chained comparisons (`a in b in c`): no names.
; level: everyday
((comparison_operator operators: ["in" "not in"] @anchor) @construct
  (#set! note "magic-methods-overview") (#set! context "kw-in-chained"))

; ---------------------------------------------------------------- else: S.16, S.17, S.22
; level: core
((for_statement right: (_) @arg.iter alternative: (else_clause "else" @anchor) @construct)
  (#set! note "loop-else") (#set! context "kw-for-else"))

; level: core
((while_statement alternative: (else_clause "else" @anchor) @construct)
  (#set! note "loop-else") (#set! context "kw-while-else"))

; level: core
((try_statement (else_clause "else" @anchor) @construct)
  (#set! note "try-statement") (#set! context "kw-try-else"))

; level: everyday
((if_statement alternative: (else_clause "else" @anchor) @construct)
  (#set! note "keywords") (#set! context "kw-if-else"))

; level: everyday
((conditional_expression . (_) @arg.body . "if" @anchor . (_) @arg.cond . "else" @anchor . (_) @arg.other .) @construct
  (#set! note "keywords") (#set! context "kw-conditional"))

; ---------------------------------------------------------------- break, continue: S.16
; level: everyday
((break_statement) @anchor @construct
  (#set! note "loop-else") (#set! context "kw-break"))

; level: everyday
((continue_statement) @anchor @construct
  (#set! note "loop-else") (#set! context "kw-continue"))

; ---------------------------------------------------------------- if, elif, while: S.22
; level: everyday
((if_statement "if" @anchor @range condition: (_) @arg.cond) @construct
  (#set! note "keywords") (#set! context "kw-if"))

; level: everyday
((elif_clause "elif" @anchor @range condition: (_) @arg.cond) @construct
  (#set! note "keywords") (#set! context "kw-elif"))

; level: everyday
((while_statement "while" @anchor condition: (_) @arg.cond) @construct
  (#set! note "keywords") (#set! context "kw-while"))

; ---------------------------------------------------------------- and, or, not: S.22
; level: everyday
((boolean_operator left: (_) @arg.left operator: "and" @anchor right: (_) @arg.right) @construct
  (#set! note "keywords") (#set! context "kw-and"))

; level: everyday
((boolean_operator left: (_) @arg.left operator: "or" @anchor right: (_) @arg.right) @construct
  (#set! note "keywords") (#set! context "kw-or"))

; level: everyday
((not_operator "not" @anchor argument: (_) @arg.arg) @construct
  (#set! note "keywords") (#set! context "kw-not"))

; ---------------------------------------------------------------- try, except, raise: S.17-S.19
; level: everyday
((try_statement "try" @anchor) @construct
  (#set! note "try-statement") (#set! context "kw-try"))

; `except* E`: the member exceptions of a group.
; (Two patterns, not an alternation: `(_)` matches the `as` pattern too, and
; on the same construct the earlier pattern wins.)
; level: core
((except_clause "except" @anchor "*" @anchor value: (as_pattern . (_) @arg.exc)) @construct
  (#set! note "exception-groups") (#set! context "kw-except-star"))

; level: core
((except_clause "except" @anchor "*" @anchor value: (_) @arg.exc) @construct
  (#set! note "exception-groups") (#set! context "kw-except-star"))

; `except* E as eg`: a group of the matching members.
; level: core
((except_clause "*" value: (as_pattern "as" @anchor @range alias: (as_pattern_target) @arg.name)) @construct
  (#set! note "exception-groups") (#set! context "kw-except-star-as"))

; `except E as e`: the name is deleted at the end of the clause.
; level: everyday
((except_clause value: (as_pattern "as" @anchor @range alias: (as_pattern_target) @arg.name)) @construct
  (#set! note "try-statement") (#set! context "kw-except-as"))

; level: everyday
((except_clause "except" @anchor @range value: (as_pattern . (_) @arg.exc)) @construct
  (#set! note "try-statement") (#set! context "kw-except"))

; level: everyday
((except_clause "except" @anchor @range value: (_) @arg.exc) @construct
  (#set! note "try-statement") (#set! context "kw-except"))

; A bare `except:`.
; level: usage
((except_clause "except" @anchor @range) @construct
  (#set! note "try-statement") (#set! context "kw-except-bare"))

; `except ...: pass`: the exception is swallowed.
; level: usage
((except_clause (block . (pass_statement) @anchor @construct .))
  (#set! note "try-statement") (#set! context "kw-pass-except"))

; level: core
((raise_statement "raise" @anchor "from" @anchor cause: (none)) @construct
  (#set! note "raise-from") (#set! context "kw-raise-from-none"))

; level: core
((raise_statement "raise" @anchor "from" @anchor cause: (_) @arg.cause) @construct
  (#set! note "raise-from") (#set! context "kw-raise-from"))

; level: everyday
((raise_statement "raise" @anchor . (_) @arg.exc) @construct
  (#set! note "try-statement") (#set! context "kw-raise"))

; A bare `raise`: re-raise.
; level: usage
((raise_statement "raise" @anchor) @construct
  (#set! note "raise-from") (#set! context "kw-reraise"))

; ---------------------------------------------------------------- with ... as: §4.11, §12.8
; level: usage
((with_statement "async"
   (with_clause (with_item value: (as_pattern . (_) @arg.expr "as" @anchor alias: (as_pattern_target) @arg.target)))) @construct
  (#set! note "async-await") (#set! context "kw-async-with-as"))

; level: everyday
((with_statement
   (with_clause (with_item value: (as_pattern . (_) @arg.expr "as" @anchor alias: (as_pattern_target) @arg.target)))) @construct
  (#set! note "with-statement") (#set! context "kw-with-as"))

; ---------------------------------------------------------------- import, from, as: S.22
; level: everyday
((future_import_statement "from" @anchor "import" @anchor name: (_) @arg.feature) @construct
  (#set! note "keywords") (#set! context "kw-from-future"))

; level: everyday
((import_from_statement "from" @anchor module_name: (_) @arg.module "import" @anchor) @construct
  (#set! note "keywords") (#set! context "kw-from-import"))

; level: everyday
((import_statement "import" @anchor) @construct
  (#set! note "keywords") (#set! context "kw-import"))

; level: everyday
((aliased_import name: (_) @arg.name "as" @anchor alias: (identifier) @arg.alias) @construct
  (#set! note "keywords") (#set! context "kw-import-as"))

; ---------------------------------------------------------------- def, class, return
; A generator function: its `def` gets §9.3 too (the name already does).
; level: core
((function_definition "def" @anchor name: (identifier) @arg.name) @construct
  (#set! note "generator-functions") (#set! context "kw-def-generator")
  (#set! requires "generator-function"))

; level: everyday
((decorated_definition definition: (function_definition "def" @anchor name: (identifier) @arg.name) @construct)
  (#set! note "keywords") (#set! context "kw-def-decorated"))

; level: everyday
((function_definition "def" @anchor name: (identifier) @arg.name) @construct
  (#set! note "keywords") (#set! context "kw-def"))

; level: everyday
((decorated_definition definition: (class_definition "class" @anchor name: (identifier) @arg.cls) @construct)
  (#set! note "keywords") (#set! context "kw-class-decorated"))

; level: everyday
((class_definition "class" @anchor name: (identifier) @arg.cls) @construct
  (#set! note "keywords") (#set! context "kw-class"))

; `return` in a generator: StopIteration(value). (The predicate looks at the
; nearest enclosing function.)
; level: core
((return_statement "return" @anchor . (_) @arg.value) @construct
  (#set! note "generator-functions") (#set! context "kw-return-generator")
  (#set! requires "in-function:generator"))

; level: core
((return_statement "return" @anchor) @construct
  (#set! note "generator-functions") (#set! context "kw-return-generator")
  (#set! requires "in-function:generator"))

; level: usage
((return_statement "return" @anchor) @construct
  (#set! note "generator-functions") (#set! context "kw-return-async-generator")
  (#set! requires "in-function:async-generator"))

; level: usage
((return_statement "return" @anchor . (_) @arg.value) @construct
  (#set! note "async-await") (#set! context "kw-return-coroutine")
  (#set! requires "in-function:coroutine"))

; level: everyday
((return_statement "return" @anchor . (_) @arg.value) @construct
  (#set! note "keywords") (#set! context "kw-return"))

; level: everyday
((return_statement "return" @anchor) @construct
  (#set! note "keywords") (#set! context "kw-return"))

; ---------------------------------------------------------------- lambda, global, nonlocal: S.9
; level: everyday
((lambda "lambda" @anchor) @construct
  (#set! note "closures") (#set! context "kw-lambda"))

; level: core
((global_statement "global" @anchor . (identifier) @arg.name) @construct
  (#set! note "closures") (#set! context "kw-global"))

; level: core
((nonlocal_statement "nonlocal" @anchor . (identifier) @arg.name) @construct
  (#set! note "closures") (#set! context "kw-nonlocal"))

; ---------------------------------------------------------------- assert, pass: S.22
; `assert (cond, "message")`: a non-empty tuple, always true.
; level: core
((assert_statement "assert" @anchor . (tuple (_))) @construct
  (#set! note "keywords") (#set! context "kw-assert-tuple"))

; level: everyday
((assert_statement "assert" @anchor . (_) @arg.cond) @construct
  (#set! note "keywords") (#set! context "kw-assert"))

; level: everyday
((pass_statement) @anchor @construct
  (#set! note "keywords") (#set! context "kw-pass"))

; ---------------------------------------------------------------- match, case, _: S.21
; Soft keywords: the grammar makes them anonymous nodes only where they are
; keywords, so a variable named `match` or a function named `case` never
; matches these patterns.
; level: core
((match_statement "match" @anchor subject: (_) @arg.subject) @construct
  (#set! note "match-statement") (#set! context "kw-match"))

; level: core
((case_clause "case" @anchor @range guard: (if_clause (_) @arg.guard)) @construct
  (#set! note "match-statement") (#set! context "kw-case-guard"))

; The guard's `if`.
; level: core
((case_clause guard: (if_clause "if" @anchor (_) @arg.guard) @range) @construct
  (#set! note "match-statement") (#set! context "kw-case-guard"))

; level: core
((case_clause "case" @anchor @range) @construct
  (#set! note "match-statement") (#set! context "kw-case"))

; `case RED:`: a bare name captures, it does not compare.
; level: core
((case_clause (case_pattern (dotted_name . (identifier) @anchor @arg.name .)) @construct)
  (#set! note "match-statement") (#set! context "kw-case-capture"))

; `case _:`: the wildcard as the whole pattern.
; level: core
((case_clause (case_pattern "_" @anchor) @construct)
  (#set! note "match-statement") (#set! context "kw-case-wildcard"))

; `_` inside a pattern.
; level: core
((case_pattern "_" @anchor) @construct
  (#set! note "match-statement") (#set! context "kw-wildcard"))

; level: core
((keyword_pattern "_" @anchor) @construct
  (#set! note "match-statement") (#set! context "kw-wildcard"))

; level: core
((splat_pattern "_" @anchor) @construct
  (#set! note "match-statement") (#set! context "kw-wildcard"))

; `case ... as name`
; level: core
((as_pattern (case_pattern) "as" @anchor (identifier) @arg.name) @construct
  (#set! note "match-statement") (#set! context "kw-case-as"))

; ---------------------------------------------------------------- type (3.12+): S.7
; `type` is a soft keyword only at the start of this statement; `type(x)` is
; the builtin (§2.2, ch02.scm).
; level: core
((type_alias_statement "type" @anchor left: (type) @arg.name) @construct
  (#set! note "generics") (#set! context "kw-type-alias"))
