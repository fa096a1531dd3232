"""The web shell: ``xladdin serve``, a page on the office network for everyone without the add-in.

Built like the command line: every workbook is read, checked and written through the
file shell (``xladdin.files``) and the core's plans, in worker processes with a time
limit; the page only shows what they produced.  Modules:

* ``settings`` — what the administrator configures (address, limits, access) and the
  refusal to serve a network without a token or password;
* ``security`` — signed cookies, CSRF tokens, password hashes, response headers;
* ``store`` — one temporary folder per request, names from the user never used as paths,
  .zip folders unpacked with limits, folders deleted after a while and on shutdown;
* ``uploads`` — multipart uploads streamed into a request's folder within the limits;
* ``pool`` — the bounded pool of worker processes with a per-job time limit;
* ``work`` — what a worker does: the CLI's own calls (check, mark, fix, format, fill,
  rollover, publish, the reviewer's report);
* ``app`` — the Starlette application: pages, downloads, the JSON API.
"""
