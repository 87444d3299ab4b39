package io.gproxy.app;

import io.gproxy.admin.AdminHandler;
import io.gproxy.admin.ConsoleAssets;
import io.gproxy.config.ConfigCache;
import io.gproxy.config.ConfigSnapshot;
import io.gproxy.http.FunctionGroup;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.HttpRouter;
import io.gproxy.http.RequestHandler;
import io.gproxy.http.StreamingBody;
import io.gproxy.pipeline.CaptureSettings;
import io.gproxy.pipeline.CapturedBody;
import io.gproxy.pipeline.ErrorResponses;
import io.gproxy.pipeline.RequestCapture;
import io.gproxy.store.CaptureStore;
import io.gproxy.pipeline.GatewayError;
import io.gproxy.pipeline.GatewayPipeline;
import io.gproxy.pipeline.RequestLog;
import io.gproxy.protocol.PathMatch;
import io.gproxy.protocol.RequestClassifier;
import io.gproxy.protocol.UnsupportedPathException;
import io.gproxy.store.StoreUnavailableException;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * The handler of one function: serves the function groups it owns and refuses the rest with 404, so each Lambda
 * function and the local server (which owns all groups) run exactly the same code. Adds {@code x-gproxy-request-id}
 * to every response and writes the request's log line when the last byte is out.
 */
public final class GatewayHandler implements RequestHandler {
    /**
     * Total size of all request headers (names, values and 4 bytes per value) beyond which the request is refused
     * (431).
     */
    public static final int MAX_HEADER_BYTES = 64 * 1024;
    /**
     * Header names (case-insensitive, so repeated lines of one name count once, as a Function URL event joins them)
     * beyond which the request is refused (431). 200 is what local mode's JDK server used to take before it closed
     * the connection, so nothing that worked there is refused now.
     */
    public static final int MAX_HEADER_NAMES = 200;

    private final Set<FunctionGroup> groups;
    private final ConfigCache cache;
    private final GatewayPipeline pipeline;
    private final AdminHandler admin;
    private final long maxBodyBytes;
    private final PrintStream log;
    private final OriginCheck originCheck;
    private final CaptureStore captures;

    GatewayHandler(Set<FunctionGroup> groups, ConfigCache cache, GatewayPipeline pipeline, AdminHandler admin,
                   long maxBodyBytes, PrintStream log, OriginCheck originCheck, CaptureStore captures) {
        this.captures = captures;
        this.groups = EnumSet.copyOf(groups);
        this.cache = cache;
        this.pipeline = pipeline;
        this.admin = admin;
        this.maxBodyBytes = maxBodyBytes;
        this.log = log;
        this.originCheck = originCheck;
    }

    @Override
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    @Override
    public HttpResponse payloadTooLarge() {
        return withRequestId(ErrorResponses.of(GatewayError.payloadTooLarge()), newRequestId());
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        String requestId = newRequestId();
        RequestLog line = new RequestLog(requestId, request.method(), request.rawPath());
        HttpResponse response;
        try {
            response = dispatch(request, line);
        } catch (GatewayError e) {
            line.error(e.getMessage());
            response = ErrorResponses.of(e);
        } catch (StoreUnavailableException e) {
            line.error("store unavailable");
            response = ErrorResponses.of(503, "gateway state unavailable", 1L);
        } catch (RuntimeException e) {
            // Never a stack trace or internal detail to the client; the log line names the class for operators.
            line.error("internal error: " + e.getClass().getName());
            response = ErrorResponses.of(500, "internal error", null);
        }
        response = withRequestId(response, requestId);
        line.handedOver();
        int status = response.status();
        RequestCapture capture = line.capture();
        CapturedBody clientBody = capture.settings().downstreamBody() ? new CapturedBody() : null;
        if (response.isStreaming()) {
            StreamingBody inner = response.stream();
            response = response.withStream(sink -> {
                try {
                    inner.writeTo(clientBody == null ? sink : clientBody.tee(sink));
                } catch (RuntimeException | java.io.IOException e) {
                    line.error("stream aborted: " + e.getClass().getSimpleName());
                    throw e;
                }
            });
        } else if (clientBody != null) {
            clientBody.add(response.body());
        }
        if (capture.enabled()) {
            // after the last byte, in the invocation, before the log line: never on the client's critical path
            response.onComplete(() -> writeCapture(line, request, status, clientBody));
        }
        // The log line is written once the transport has sent the last byte (after the settlement, issue 6).
        return response.onComplete(() -> line.finish(status, log));
    }

    private void writeCapture(RequestLog line, HttpRequest request, int status, CapturedBody clientBody) {
        RequestCapture capture = line.capture();
        try {
            int days = capture.settings().retentionDays();
            captures.put(capture.toCapture(line.requestId(), request, status,
                    clientBody == null ? null : clientBody.text(), line.elapsedMillis()),
                    days > 0 ? java.time.Instant.now().plus(java.time.Duration.ofDays(days)) : null);
        } catch (RuntimeException e) { // a store failure included: capture never fails the request
            line.error("capture not written: " + e.getClass().getSimpleName());
        }
    }

    private HttpResponse dispatch(HttpRequest request, RequestLog line) throws GatewayError {
        if (!originCheck.admits(request.headers())) {
            throw new GatewayError(403, "forbidden");
        }
        if (request.headers().approximateSize() > MAX_HEADER_BYTES || request.headers().asMap().size() > MAX_HEADER_NAMES) {
            throw new GatewayError(431, "request headers too large");
        }
        if (request.body().length > maxBodyBytes) {
            throw GatewayError.payloadTooLarge();
        }
        if (HttpRouter.isAdminPath(request.rawPath())) {
            requireGroup(FunctionGroup.ADMIN, request);
            if (ConsoleAssets.isConsolePath(request.rawPath())) {
                return ConsoleAssets.shared().serve(request); // static files, no auth, no snapshot
            }
            return admin.handle(request, cache.current());
        }
        PathMatch match;
        try {
            match = RequestClassifier.matchPath(request.method(), request.rawPath(), request.headers());
        } catch (UnsupportedPathException e) {
            throw GatewayError.unsupportedPath();
        }
        requireGroup(FunctionGroup.of(match.group()), request);
        ConfigSnapshot snapshot = cache.current();
        CaptureSettings capture = CaptureSettings.from(snapshot.instanceSettings());
        if (capture.any()) {
            line.capture(new RequestCapture(capture, java.time.Instant.now()));
        }
        return pipeline.handle(request, match, snapshot, line);
    }

    private void requireGroup(FunctionGroup group, HttpRequest request) throws GatewayError {
        if (!groups.contains(group)) {
            throw new GatewayError(404, "this endpoint does not serve " + request.rawPath());
        }
    }

    private static HttpResponse withRequestId(HttpResponse response, String requestId) {
        response.headers().set("x-gproxy-request-id", requestId);
        return response;
    }

    /** Random per request (never generated before a SnapStart checkpoint). */
    private static String newRequestId() {
        return UUID.randomUUID().toString();
    }
}
