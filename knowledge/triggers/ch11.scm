; Chapter 11, threads, processes and pools. See 00-foundation.scm and src/analysis/explain.rs.
; Most triggers are names (ch11.tsv); these patterns need the syntax around them.

; ------------------------------------------- threading.Thread(target=..., args=...)
((call
   function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]
   arguments: (argument_list
     (keyword_argument name: (identifier) @_target value: (_) @arg.target)
     (keyword_argument name: (identifier) @_args value: (_) @arg.args))) @construct
  (#eq? @_target "target") (#eq? @_args "args")
  (#set! note "threads") (#set! level "usage") (#set! context "ch11-thread-target-args") (#set! resolves "threading.Thread"))

((call
   function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]
   arguments: (argument_list
     (keyword_argument name: (identifier) @_target value: (_) @arg.target))) @construct
  (#eq? @_target "target")
  (#set! note "threads") (#set! level "usage") (#set! context "ch11-thread-target") (#set! resolves "threading.Thread"))

; ------------------------------------------- class C(threading.Thread): the base is the anchor
(class_definition
  name: (identifier) @arg.cls
  superclasses: (argument_list
    [(identifier) @anchor @construct
     (attribute attribute: (identifier) @anchor) @construct])
  (#set! note "threads") (#set! level "core") (#set! context "ch11-thread-subclass") (#set! resolves "threading.Thread"))

; ------------------------------------------- x.start() / x.join() on a threading.Thread the module index
; cannot type because the name is rebound (loops). The constructor is matched by its text, so
; only the qualified spelling counts (a class of the user's named like it stays silent).
; `x = threading.Thread(...)` followed in the same block by `x.start()`:
((_
   (expression_statement
     (assignment left: (identifier) @_var right: (call function: (_) @_ctor)))
   (expression_statement
     (call function: (attribute object: (identifier) @arg.receiver attribute: (identifier) @anchor)) @construct))
  (#eq? @_var @arg.receiver)
  (#any-of? @anchor "start" "join")
  (#match? @_ctor "^threading\\.Thread$")
  (#set! note "threads") (#set! level "usage") (#set! context "ch11-thread-{anchor}"))

; `xs = [threading.Thread(...) for ...]`, then `for x in xs: x.start()`:
((_
   (expression_statement
     (assignment left: (identifier) @_list right: (list_comprehension body: (call function: (_) @_ctor))))
   (for_statement
     left: (identifier) @_var
     right: (identifier) @_iter
     body: (block
       (expression_statement
         (call function: (attribute object: (identifier) @arg.receiver attribute: (identifier) @anchor)) @construct))))
  (#eq? @_list @_iter) (#eq? @_var @arg.receiver)
  (#any-of? @anchor "start" "join")
  (#match? @_ctor "^threading\\.Thread$")
  (#set! note "threads") (#set! level "usage") (#set! context "ch11-thread-{anchor}"))

; `for ...: x = threading.Thread(...); xs.append(x)`, then `for x in xs: x.join()`:
((_
   (for_statement
     body: (block
       (expression_statement
         (assignment left: (identifier) @_made right: (call function: (_) @_ctor)))
       (expression_statement
         (call
           function: (attribute object: (identifier) @_list attribute: (identifier) @_append)
           arguments: (argument_list . (identifier) @_added .)))))
   (for_statement
     left: (identifier) @_var
     right: (identifier) @_iter
     body: (block
       (expression_statement
         (call function: (attribute object: (identifier) @arg.receiver attribute: (identifier) @anchor)) @construct))))
  (#eq? @_append "append") (#eq? @_made @_added) (#eq? @_list @_iter) (#eq? @_var @arg.receiver)
  (#any-of? @anchor "start" "join")
  (#match? @_ctor "^threading\\.Thread$")
  (#set! note "threads") (#set! level "usage") (#set! context "ch11-thread-{anchor}"))

; ------------------------------------------- multiprocessing.Process(target=..., args=...)
((call
   function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]
   arguments: (argument_list
     (keyword_argument name: (identifier) @_target value: (_) @arg.target)
     (keyword_argument name: (identifier) @_args value: (_) @arg.args))) @construct
  (#eq? @_target "target") (#eq? @_args "args")
  (#set! note "multiprocessing") (#set! level "usage") (#set! context "ch11-process-target-args") (#set! resolves "multiprocessing.Process"))

((call
   function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]
   arguments: (argument_list
     (keyword_argument name: (identifier) @_target value: (_) @arg.target))) @construct
  (#eq? @_target "target")
  (#set! note "multiprocessing") (#set! level "usage") (#set! context "ch11-process-target") (#set! resolves "multiprocessing.Process"))

; ------------------------------------------- class C(multiprocessing.Process): the base is the anchor
(class_definition
  name: (identifier) @arg.cls
  superclasses: (argument_list
    [(identifier) @anchor @construct
     (attribute attribute: (identifier) @anchor) @construct])
  (#set! note "multiprocessing") (#set! level "core") (#set! context "ch11-process-subclass") (#set! resolves "multiprocessing.Process"))

; ------------------------------------------- x.start() / x.join() on a multiprocessing.Process the module index
; cannot type because the name is rebound (loops). The constructor is matched by its text, so
; only the qualified spelling counts (a class of the user's named like it stays silent).
; `x = multiprocessing.Process(...)` followed in the same block by `x.start()`:
((_
   (expression_statement
     (assignment left: (identifier) @_var right: (call function: (_) @_ctor)))
   (expression_statement
     (call function: (attribute object: (identifier) @arg.receiver attribute: (identifier) @anchor)) @construct))
  (#eq? @_var @arg.receiver)
  (#any-of? @anchor "start" "join")
  (#match? @_ctor "^(multiprocessing|mp)\\.Process$")
  (#set! note "multiprocessing") (#set! level "usage") (#set! context "ch11-process-{anchor}"))

; `xs = [multiprocessing.Process(...) for ...]`, then `for x in xs: x.start()`:
((_
   (expression_statement
     (assignment left: (identifier) @_list right: (list_comprehension body: (call function: (_) @_ctor))))
   (for_statement
     left: (identifier) @_var
     right: (identifier) @_iter
     body: (block
       (expression_statement
         (call function: (attribute object: (identifier) @arg.receiver attribute: (identifier) @anchor)) @construct))))
  (#eq? @_list @_iter) (#eq? @_var @arg.receiver)
  (#any-of? @anchor "start" "join")
  (#match? @_ctor "^(multiprocessing|mp)\\.Process$")
  (#set! note "multiprocessing") (#set! level "usage") (#set! context "ch11-process-{anchor}"))

; `for ...: x = multiprocessing.Process(...); xs.append(x)`, then `for x in xs: x.join()`:
((_
   (for_statement
     body: (block
       (expression_statement
         (assignment left: (identifier) @_made right: (call function: (_) @_ctor)))
       (expression_statement
         (call
           function: (attribute object: (identifier) @_list attribute: (identifier) @_append)
           arguments: (argument_list . (identifier) @_added .)))))
   (for_statement
     left: (identifier) @_var
     right: (identifier) @_iter
     body: (block
       (expression_statement
         (call function: (attribute object: (identifier) @arg.receiver attribute: (identifier) @anchor)) @construct))))
  (#eq? @_append "append") (#eq? @_made @_added) (#eq? @_list @_iter) (#eq? @_var @arg.receiver)
  (#any-of? @anchor "start" "join")
  (#match? @_ctor "^(multiprocessing|mp)\\.Process$")
  (#set! note "multiprocessing") (#set! level "usage") (#set! context "ch11-process-{anchor}"))
