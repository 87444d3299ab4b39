package io.gproxy.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.crypto.KmsEnvelopeCipher;
import io.gproxy.http.BodySink;
import io.gproxy.http.FunctionGroup;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.RequestHandler;
import io.gproxy.protocol.Json;
import org.crac.Resource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;
import java.util.Set;

/**
 * A Lambda function serving some function groups behind a BUFFERED Function URL. Each subclass names its group;
 * everything else is the shared {@link io.gproxy.app.Gateway} handler, so Lambda and local mode run the same code.
 * The streaming runtime uses {@link #requestHandler()} of the same classes.
 */
public abstract class GroupFunction implements RequestStreamHandler, Resource {
    private final RequestHandler handler;

    protected GroupFunction(FunctionGroup first, FunctionGroup... rest) {
        this(EnumSet.of(first, rest));
    }

    protected GroupFunction(Set<FunctionGroup> groups) {
        this.handler = LambdaGateway.get().handler(groups);
        SnapStartHooks.register(this);
    }

    /** Whether direct-invoke operator commands ({@link AdminCommands}) are served: the admin function only. */
    protected boolean acceptsCommands() {
        return false;
    }

    /** The transport-neutral handler of this function. */
    public RequestHandler requestHandler() {
        return handler;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        if (acceptsCommands() && AdminCommands.isCommand(event)) {
            output.write(Json.bytes(AdminCommands.run(LambdaGateway.get(), event)));
            return;
        }
        var request = FunctionUrlEvents.toRequest(event);
        HttpResponse response = request.body().length > handler.maxBodyBytes() ? handler.payloadTooLarge()
                : handler.handle(request);
        output.write(Json.bytes(FunctionUrlEvents.toBufferedResult(response, bodyOf(response))));
    }

    /** A buffered Function URL cannot stream: a streamed response is collected whole. */
    private static byte[] bodyOf(HttpResponse response) throws IOException {
        if (!response.isStreaming()) {
            return response.body();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        response.stream().writeTo(new BodySink() {
            @Override
            public void write(byte[] bytes, int offset, int length) {
                out.write(bytes, offset, length);
            }

            @Override
            public void flush() {
            }
        });
        return out.toByteArray();
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Priming.prime(handler);
        // Priming opens no secret, but a data key in the snapshot would outlive any rotation: make sure.
        if (LambdaGateway.get().cipher() instanceof KmsEnvelopeCipher kms) {
            kms.clearCache();
        }
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing was connected, opened or generated before the checkpoint, so nothing needs refreshing.
    }
}
