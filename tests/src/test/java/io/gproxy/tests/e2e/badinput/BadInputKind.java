package io.gproxy.tests.e2e.badinput;

/** The families of bad input the generator draws from (issue 10). */
public enum BadInputKind {
    MALFORMED_JSON, WRONG_TYPE, MISSING_MODEL, UNKNOWN_MODEL_AND_FIELDS, DEEP_NESTING, HUGE_BODY, INVALID_UTF8,
    WRONG_CONTENT_TYPE, OVERSIZED_HEADERS, PATH_TRICK, BAD_CREDENTIALS, WRONG_METHOD
}
