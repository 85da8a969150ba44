# ERROR (lexical): invalid percent escapes in "..." strings
# Line 11: "%zz" is not a two-digit hex escape.
# Line 12: "%4" is an incomplete escape (end of string after one digit).
# Line 13: "%uD800" is a UTF-16 surrogate, not a code point.
# Line 14: "%u{110000}" is beyond U+10FFFF.
# Line 15: a literal "%" must itself be escaped (%25); "100%" ends in an incomplete escape.

sub vcl_deliver {
#FASTLY deliver

  set resp.http.X-Note-1 = "discount%zzcode";
  set resp.http.X-Note-2 = "tab%4";
  set resp.http.X-Note-3 = "broken %uD800 surrogate";
  set resp.http.X-Note-4 = "out of range %u{110000}";
  set resp.http.X-Note-5 = "100%";
  return(deliver);
}
