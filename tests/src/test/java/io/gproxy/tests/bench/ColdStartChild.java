package io.gproxy.tests.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.gproxy.functions.SnapStartHooks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The child JVM of the cold-start row, run on the Lambda zip's classpath plus this one class (it must use nothing
 * else of the tests). Args: handler class, "prime" or "plain", Function URL event file. Constructs the handler as
 * Lambda's init does, optionally runs the SnapStart before-checkpoint hooks (priming), then invokes
 * {@code handleRequest} twice and prints one {@code BENCH-RESULT} line of {@code System.nanoTime()} stamps, which
 * share the parent's clock (CLOCK_MONOTONIC on Linux).
 */
public final class ColdStartChild {
    private static final Pattern STATUS = Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)");

    private ColdStartChild() {}

    public static void main(String[] args) throws Exception {
        long main = System.nanoTime();
        String handlerClass = args[0];
        boolean prime = args[1].equals("prime");
        byte[] event = Files.readAllBytes(Path.of(args[2]));

        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(handlerClass).getDeclaredConstructor().newInstance();
        long ready = System.nanoTime();
        long primed = ready;
        if (prime) {
            SnapStartHooks.runBeforeCheckpoint();
            primed = System.nanoTime();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        long first = System.nanoTime();
        int firstStatus = status(out);
        out.reset();
        handler.handleRequest(new ByteArrayInputStream(event), out, null);
        long second = System.nanoTime();
        int secondStatus = status(out);
        System.out.println("BENCH-RESULT {\"main\":" + main + ",\"ready\":" + ready + ",\"primed\":" + primed
                + ",\"first\":" + first + ",\"second\":" + second + ",\"status\":" + firstStatus
                + ",\"status2\":" + secondStatus + "}");
        System.out.flush();
        System.exit(0); // SDK and HTTP client threads would keep the JVM alive
    }

    private static int status(ByteArrayOutputStream out) {
        Matcher m = STATUS.matcher(out.toString(StandardCharsets.UTF_8));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
