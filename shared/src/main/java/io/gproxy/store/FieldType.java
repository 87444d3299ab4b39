package io.gproxy.store;

/** Value types of config entity fields, as the import bundle carries them. */
public enum FieldType {
    /** Integer id or count. */
    INT,
    STRING,
    BOOL,
    /** Money or price: a decimal string (numbers are accepted and normalised to their exact decimal text). */
    DECIMAL,
    /** A JSON object, given either as an object or as a string holding one. */
    JSON_OBJECT,
    /** Any JSON value, kept as is. */
    ANY
}
