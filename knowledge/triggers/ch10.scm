; Chapter 10, socket programming. See 00-foundation.scm and src/analysis/explain.rs.
; Most triggers are names (ch10.tsv); these patterns need the syntax around them.

; ------------------------------------------- §10.3 an accept loop that starts a thread per client
; `conn, addr = listener.accept()` in a `while`/`for` body that later starts a
; thread (`threading.Thread(...)`, `Thread(...).start()`, `start_new_thread(...)`).
((while_statement
   body: (block
     (expression_statement
       (assignment
         right: (call
           function: (attribute object: (_) @arg.listener attribute: (identifier) @anchor)) @construct))
     [(expression_statement (assignment right: (call function: (_) @_thread)))
      (expression_statement (call function: (_) @_thread))
      (expression_statement (call function: (attribute object: (call function: (_) @_thread))))]))
  (#eq? @anchor "accept")
  (#match? @_thread "^((threading\\.)?Thread|(_thread\\.)?start_new_thread)$")
  (#set! note "socket-chat") (#set! level "usage") (#set! context "ch10-accept-thread"))

((for_statement
   body: (block
     (expression_statement
       (assignment
         right: (call
           function: (attribute object: (_) @arg.listener attribute: (identifier) @anchor)) @construct))
     [(expression_statement (assignment right: (call function: (_) @_thread)))
      (expression_statement (call function: (_) @_thread))
      (expression_statement (call function: (attribute object: (call function: (_) @_thread))))]))
  (#eq? @anchor "accept")
  (#match? @_thread "^((threading\\.)?Thread|(_thread\\.)?start_new_thread)$")
  (#set! note "socket-chat") (#set! level "usage") (#set! context "ch10-accept-thread"))

; ------------------------------------------- §10.4 HTTP written by hand: a request or status line
((string) @anchor @construct
  (#match? @anchor "^[bBrRfFuU]{0,2}(\"\"\"|'''|\"|')(GET|POST|HEAD|PUT|DELETE|PATCH|OPTIONS) [^ ]+ HTTP/1")
  (#set! note "socket-http-request") (#set! level "usage") (#set! context "ch10-http-request-line"))

((string) @anchor @construct
  (#match? @anchor "^[bBrRfFuU]{0,2}(\"\"\"|'''|\"|')HTTP/1\\.[01] [1-5][0-9][0-9]")
  (#set! note "socket-http-request") (#set! level "usage") (#set! context "ch10-http-status-line"))
