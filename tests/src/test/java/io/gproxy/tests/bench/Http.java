package io.gproxy.tests.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The load client's few operations; the same code for every target. */
final class Http {
    private Http() {}

    /** Status of a request whose body is read and discarded; -1 on a transport error. */
    static int send(HttpClient client, HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Status and body text (probes and checks). */
    static HttpResponse<String> text(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** One streamed response, timed from just before sending. */
    record StreamTiming(int status, long firstByteNanos, long lastByteNanos, long bytes, String tail) {
        boolean ok() {
            return status == 200 && firstByteNanos > 0;
        }
    }

    /**
     * Sends and reads the body to its end: time to the first body byte and to the end, and the last bytes (to check
     * the stream ended as its protocol ends).
     */
    static StreamTiming stream(HttpClient client, HttpRequest request) {
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            long first = -1;
            long bytes = 0;
            byte[] buf = new byte[16 * 1024];
            byte[] tail = new byte[512];
            int tailLen = 0;
            try (InputStream in = r.body()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (n == 0) {
                        continue;
                    }
                    if (first < 0) {
                        first = System.nanoTime() - t0;
                    }
                    bytes += n;
                    if (n >= tail.length) {
                        System.arraycopy(buf, n - tail.length, tail, 0, tail.length);
                        tailLen = tail.length;
                    } else {
                        int keep = Math.min(tailLen, tail.length - n);
                        System.arraycopy(tail, tailLen - keep, tail, 0, keep);
                        System.arraycopy(buf, 0, tail, keep, n);
                        tailLen = keep + n;
                    }
                }
            }
            long last = System.nanoTime() - t0;
            return new StreamTiming(r.statusCode(), first, last, bytes, new String(tail, 0, tailLen, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new StreamTiming(-1, -1, -1, 0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StreamTiming(-1, -1, -1, 0, "interrupted");
        }
    }
}
