package io.gproxy.transform.responses;

/**
 * A {@code data:<media type>;base64,<payload>} URL, the form Responses uses for inline images and files.
 *
 * @param mediaType null when the URL names none
 */
record DataUrl(String mediaType, String data) {

    /** The parsed URL, or null when {@code url} is not a base64 data URL. */
    static DataUrl parse(String url) {
        if (url == null || !url.startsWith("data:")) {
            return null;
        }
        int comma = url.indexOf(',');
        if (comma < 0) {
            return null;
        }
        String meta = url.substring(5, comma);
        if (!meta.endsWith(";base64")) {
            return null;
        }
        String type = meta.substring(0, meta.length() - ";base64".length());
        return new DataUrl(type.isEmpty() ? null : type, url.substring(comma + 1));
    }

    static String of(String mediaType, String data) {
        return "data:" + (mediaType == null ? "" : mediaType) + ";base64," + data;
    }
}
