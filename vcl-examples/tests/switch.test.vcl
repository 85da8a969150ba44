# `switch`: not on Fastly's public reference pages (the catalog lists it with the
# undocumented keywords); lacquer follows falco's semantics. The subject is compared as a
# string with each `case` label in order, `case ~ "re":` matches a regex (and sets
# re.group.*), `default` runs only when no case matched wherever it is written, a case
# ends at `break`, and `fallthrough` continues into the next case's body.

// A typed helper the tests below call (like every subroutine here, it also runs as a test).
sub classify(STRING var.path) STRING {
  declare local var.kind STRING;
  switch (var.path) {
    case "/":
      set var.kind = "home";
      break;
    default:
      set var.kind = "other";
      break;
    case ~ "^/api/(v[0-9]+)/":
      set var.kind = "api " re.group.1;
      break;
    case "/login":
    case "/logout":
      set var.kind = "auth";
      break;
  }
  return var.kind;
}

// @suite: switch picks the first matching case, default otherwise
sub test_switch_cases_and_default {
  assert.equal(classify("/"), "home");
  assert.equal(classify("/api/v2/users"), "api v2");
  assert.equal(classify("/images/a.png"), "other");
  // Only the matching case's body runs (`/login` has an empty one, no fallthrough).
  assert.equal(classify("/logout"), "auth");
  assert.equal(classify("/login"), "");
}

// @suite: fallthrough continues into the next body, break leaves the switch
sub test_switch_fallthrough_and_break {
  declare local var.trace STRING;
  set var.trace = "";
  switch (req.method) {
    case "POST":
      set var.trace = var.trace "post,";
      fallthrough;
    case "GET":
      set var.trace = var.trace "get,";
      fallthrough;
    default:
      set var.trace = var.trace "default";
      break;
  }
  assert.equal(var.trace, "get,default");
  set var.trace = "";
  switch (req.method) {
    case "GET":
      if (req.url == "/") {
        set var.trace = "root";
        break;
      }
      set var.trace = "not reached";
      break;
    default:
      set var.trace = "default";
      break;
  }
  assert.equal(var.trace, "root");
}

// @suite: no matching case and no default runs nothing
sub test_switch_without_match_or_default {
  declare local var.n INTEGER;
  set var.n = 7;
  // A non-string subject is compared as its string rendering.
  switch (var.n) {
    case "1":
      set var.n = 100;
      break;
  }
  assert.equal(var.n, 7);
  switch (var.n) {
    case "7":
      set var.n = 70;
      break;
  }
  assert.equal(var.n, 70);
}
