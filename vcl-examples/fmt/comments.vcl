# Comments in every position the formatter has to handle.
// a slash comment at the top
/* a block comment
   over two lines */

# before a backend

backend F_a { # after the brace
  # before a property
  .host = "a.example"; # after a property
  .port = /* inline in a value */ "443";
  .probe = { # after a nested brace
    .request = "GET / HTTP/1.1" # after the first request line
               "Host: a.example";
    # last in the probe
  } # after the probe
  # last in the backend
} # after the backend

table t { # after the table brace
  "k": "v", # after an entry
  # between entries
  "k2": "v2" # after the last entry, which has no comma
}

acl a {
  "10.0.0.0"/8; # after an entry
  /* before an entry */ "10.1.0.0"/16;
}

sub vcl_recv { #FASTLY recv
  # before a statement
  set req.http.X = "1"; # after a statement
  set req.http.Y = "a" /* between parts */ "b";
  set req.http.Z = "a" # after a part, at a line break
    "b";
  if (req.http.A) { # after an if brace
  } else { # after an else brace
    # only a comment in the else
  }
  if (req.http.B) {
    # only a comment in the then
  } # after the if

  # a paragraph of comments
  # over two lines

  set req.http.W = "2"; /* a block */ /* and another */
  set /* odd spot */ req.http.V = "3";
  set req.http.U # a line comment inside a statement
    = "4";
  {
  }
  # last in the sub
}

sub empty { /* inside an empty sub */ }

sub empty2 {
  # the only content
}
# at the end of the file
/* and a final block */
