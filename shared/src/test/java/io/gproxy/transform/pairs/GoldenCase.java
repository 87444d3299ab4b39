package io.gproxy.transform.pairs;

import java.nio.file.Path;

/**
 * One golden fixture: an input file converted from protocol {@code from} to protocol {@code to}.
 *
 * @param name     what the test reports (the pair and case, or the regression's bug name)
 * @param dir      the directory holding the case's files
 * @param base     the file name without {@code .in.json} / {@code .in.sse}
 * @param from     the protocol of the input (client for requests, upstream for responses and streams)
 * @param to       the protocol of the output (upstream for requests, client for responses and streams)
 * @param kind     what is converted
 */
record GoldenCase(String name, Path dir, String base, String from, String to, Kind kind) {

    enum Kind {
        /** A request body: decoded with {@code from} (the client's protocol), encoded with {@code to}. */
        REQUEST,
        /** A non-stream response body: decoded with {@code from} (the upstream's protocol), encoded with {@code to}. */
        RESPONSE,
        /** An SSE stream: {@code from}'s stream decoder, then {@code to}'s stream encoder, through the transcoder. */
        STREAM
    }

    Path input() {
        return dir.resolve(base + (kind == Kind.STREAM ? ".in.sse" : ".in.json"));
    }

    Path output() {
        return dir.resolve(base + (kind == Kind.STREAM ? ".out.sse" : ".out.json"));
    }

    /** The expected {@code LossReport.headerValue()}; absent means nothing may be dropped. */
    Path loss() {
        return dir.resolve(base + ".loss.txt");
    }

    /** For requests that must be refused: the expected {@code TransformException} message (a 422). */
    Path error() {
        return dir.resolve(base + ".error.txt");
    }

    /** For requests: the upstream model the pipeline would set; absent means the target's default. */
    Path model() {
        return dir.resolve(base + ".model.txt");
    }

    @Override
    public String toString() {
        return name;
    }
}
