; Chapter 9, iterators and generators: the builtins and objects of the
; iteration protocol. (`def __iter__`/`__next__` and `yield` are in other files.)
; Contract: src/analysis/explain.rs. Sentences: knowledge/*/context-ch09.txt.

; ------------------------------------------------------------ §9.2 iter(x), §9.6 iter(f, sentinel)
((call function: (identifier) @anchor arguments: (argument_list . (_) @arg.obj .)) @construct
  (#eq? @anchor "iter")
  (#set! note "iterators-vs-iterables") (#set! level "usage") (#set! context "ch09-iter")
  (#set! resolves "builtins.iter"))

; `iter(partial(f.read, n), "")`: read chunks until `read` returns the sentinel.
((call
   function: (identifier) @anchor
   arguments: (argument_list
     . (call
         function: [(identifier) @_partial (attribute attribute: (identifier) @_partial)]
         arguments: (argument_list
           . (attribute object: (_) @arg.file attribute: (identifier) @_read)
           . (_) @arg.size .))
     . (_) @arg.sentinel .)) @construct
  (#eq? @anchor "iter") (#eq? @_partial "partial") (#eq? @_read "read")
  (#set! note "large-file-generator") (#set! level "usage") (#set! context "ch09-iter-partial-read")
  (#set! resolves "builtins.iter"))

; `iter(callable, sentinel)` in general: call until the sentinel comes back.
((call function: (identifier) @anchor arguments: (argument_list . (_) @arg.callable . (_) @arg.sentinel .)) @construct
  (#eq? @anchor "iter")
  (#set! note "large-file-generator") (#set! level "usage") (#set! context "ch09-iter-sentinel")
  (#set! resolves "builtins.iter"))

; ------------------------------------------------------------ §9.1 next(it), StopIteration
((call function: (identifier) @anchor arguments: (argument_list . (_) @arg.it .)) @construct
  (#eq? @anchor "next")
  (#set! note "iteration-protocol") (#set! level "usage") (#set! context "ch09-next")
  (#set! resolves "builtins.next"))

((call function: (identifier) @anchor arguments: (argument_list . (_) @arg.it . (_) @arg.default .)) @construct
  (#eq? @anchor "next")
  (#set! note "iteration-protocol") (#set! level "usage") (#set! context "ch09-next-default")
  (#set! resolves "builtins.next"))

; `raise StopIteration` / `raise StopIteration(value)`
((raise_statement . [(identifier) @anchor (call function: (identifier) @anchor)]) @construct
  (#eq? @anchor "StopIteration")
  (#set! note "iteration-protocol") (#set! level "core") (#set! context "ch09-raise-stopiteration")
  (#set! resolves "builtins.StopIteration"))

; `except StopIteration:`, `except StopIteration as e:`, `except (StopIteration, KeyError):`
((except_clause
   value: [(identifier) @anchor
           (tuple (identifier) @anchor)
           (as_pattern . [(identifier) @anchor (tuple (identifier) @anchor)])] @range) @construct
  (#eq? @anchor "StopIteration")
  (#set! note "iteration-protocol") (#set! level "usage") (#set! context "ch09-except-stopiteration")
  (#set! resolves "builtins.StopIteration"))

; ------------------------------------------------------------ §9.4 the generator's frame
((attribute object: (_) @arg.obj attribute: (identifier) @anchor) @construct
  (#eq? @anchor "gi_frame")
  (#set! note "generator-internals") (#set! level "core") (#set! context "ch09-gi-frame"))

((attribute object: (_) @arg.obj attribute: (identifier) @anchor) @construct
  (#eq? @anchor "gi_code")
  (#set! note "generator-internals") (#set! level "core") (#set! context "ch09-gi-code"))

((attribute object: (_) @arg.obj attribute: (identifier) @anchor) @construct
  (#eq? @anchor "gi_running")
  (#set! note "generator-internals") (#set! level "core") (#set! context "ch09-gi-running"))

((attribute object: (_) @arg.obj attribute: (identifier) @anchor) @construct
  (#eq? @anchor "f_lasti")
  (#set! note "generator-internals") (#set! level "core") (#set! context "ch09-f-lasti"))

; `g.gi_frame.f_locals`: only on a generator's frame.
((attribute
   object: (attribute attribute: (identifier) @_gi_frame) @arg.obj
   attribute: (identifier) @anchor) @construct
  (#eq? @_gi_frame "gi_frame") (#eq? @anchor "f_locals")
  (#set! note "generator-internals") (#set! level "core") (#set! context "ch09-gi-frame-locals"))

; ------------------------------------------------------------ §9.5 UserList as a base
((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list
     [(identifier) @anchor @range (attribute attribute: (identifier) @anchor) @range])) @construct
  (#set! note "userlist-generators") (#set! level "core") (#set! context "ch09-userlist-base")
  (#set! resolves "collections.UserList"))

; ------------------------------------------------------------ §9.6 f.read(n) in a loop
; A `.read(n)` call with one argument, in a `while` loop of a function. Whether
; the function is a generator cannot be queried: the construct is the function
; (for the `generator` facet of the sentence), the hover range the call.
;   `chunk = f.read(n)` / `buf += f.read(n)` in the loop body, the loop directly in the function body
((function_definition
   body: (block (while_statement body: (block [
          (expression_statement (assignment right: (call
            function: (attribute object: (_) @arg.file attribute: (identifier) @anchor)
            arguments: (argument_list . (_) @arg.size .)) @range))
          (expression_statement (augmented_assignment right: (call
            function: (attribute object: (_) @arg.file attribute: (identifier) @anchor)
            arguments: (argument_list . (_) @arg.size .)) @range))])))) @construct
  (#eq? @anchor "read")
  (#set! note "large-file-generator") (#set! level "usage") (#set! context "ch09-read-chunk"))

;   `while chunk := f.read(n):`, the loop directly in the function body
((function_definition
   body: (block (while_statement condition: (named_expression value: (call
            function: (attribute object: (_) @arg.file attribute: (identifier) @anchor)
            arguments: (argument_list . (_) @arg.size .)) @range)))) @construct
  (#eq? @anchor "read")
  (#set! note "large-file-generator") (#set! level "usage") (#set! context "ch09-read-chunk"))

;   `chunk = f.read(n)` / `buf += f.read(n)` in the loop body, the loop inside a `with` block of the function
((function_definition
   body: (block (with_statement body: (block (while_statement body: (block [
          (expression_statement (assignment right: (call
            function: (attribute object: (_) @arg.file attribute: (identifier) @anchor)
            arguments: (argument_list . (_) @arg.size .)) @range))
          (expression_statement (augmented_assignment right: (call
            function: (attribute object: (_) @arg.file attribute: (identifier) @anchor)
            arguments: (argument_list . (_) @arg.size .)) @range))])))))) @construct
  (#eq? @anchor "read")
  (#set! note "large-file-generator") (#set! level "usage") (#set! context "ch09-read-chunk"))

;   `while chunk := f.read(n):`, the loop inside a `with` block of the function
((function_definition
   body: (block (with_statement body: (block (while_statement condition: (named_expression value: (call
            function: (attribute object: (_) @arg.file attribute: (identifier) @anchor)
            arguments: (argument_list . (_) @arg.size .)) @range)))))) @construct
  (#eq? @anchor "read")
  (#set! note "large-file-generator") (#set! level "usage") (#set! context "ch09-read-chunk"))
