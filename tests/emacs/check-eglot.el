;;; check-eglot.el --- the editors/README.md eglot setup, in batch Emacs.
;; Run: PYEXPLAIN_BIN=target/debug/pyexplain emacs --batch -Q -l tests/emacs/check-eglot.el
;; Prints "N passed, M failed"; exits non-zero on any failure.
(package-initialize)
(dolist (d (ignore-errors (directory-files "/usr/share/emacs/site-lisp/elpa" t "^[a-z]")))
  (add-to-list 'load-path d))
(require 'eglot)
(require 'python)
(defvar check-passed 0)
(defvar check-failed 0)
(defun check (name ok detail)
  (if ok (setq check-passed (1+ check-passed))
    (setq check-failed (1+ check-failed)))
  (princ (format "%s %s%s\n" (if ok "ok  " "FAIL") name (if ok "" (format ": %S" detail)))))
(defun check-finish ()
  (princ (format "%d passed, %d failed\n" check-passed check-failed))
  (kill-emacs (if (and (> check-passed 0) (= check-failed 0)) 0 1)))

;; The configuration from editors/README.md.
(add-to-list 'eglot-server-programs
             `((python-mode python-ts-mode) . (,(getenv "PYEXPLAIN_BIN") "server"
                :initializationOptions (:language "zh"))))
(let* ((dir (make-temp-file "pyexplain-eglot" t))
       (file (expand-file-name "demo.py" dir)))
  (copy-file (expand-file-name "tests/nvim/demo.py" default-directory) file)
  (find-file file)
  (python-mode)
  (apply #'eglot (eglot--guess-contact))
  (let ((deadline (+ (float-time) 15)))
    (while (and (not (eglot-current-server)) (< (float-time) deadline))
      (accept-process-output nil 0.1)))
  (let ((server (eglot-current-server)))
    (check "eglot starts pyexplain" server nil)
    (unless server (check-finish))
    (goto-char (point-min))
    (search-forward "yield from")
    (goto-char (match-beginning 0))
    ;; The notes' triggers compile in the background after start-up (about
    ;; half a second); until then a hover answers without them.
    (let* ((deadline (+ (float-time) 20))
           (hover nil))
      (while (and (not (setq hover (jsonrpc-request server :textDocument/hover
                                                    (eglot--TextDocumentPositionParams))))
                  (< (float-time) deadline))
        (accept-process-output nil 0.1))
      (let ((text (format "%s" (plist-get (plist-get hover :contents) :value))))
      (check "hover on yield from shows §12.6 in Chinese" (string-prefix-p "**§12.6 生成器" text) text)))
    (let ((diags nil) (deadline (+ (float-time) 10)))
      (while (and (not (setq diags (flymake-diagnostics))) (< (float-time) deadline))
        (accept-process-output nil 0.1))
      (check "diagnostics reach flymake"
             (and diags (string-match-p "mutable-default-argument" (flymake-diagnostic-text (car diags))))
             (mapcar #'flymake-diagnostic-text diags)))
    (eglot-shutdown server)))
(check-finish)
