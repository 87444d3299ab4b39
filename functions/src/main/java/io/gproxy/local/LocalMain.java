package io.gproxy.local;

import io.gproxy.app.BundleException;

import java.nio.file.NoSuchFileException;
import java.util.Arrays;

/** Command line entry: {@code gproxy local [options]}. */
public final class LocalMain {
    private LocalMain() {}

    public static void main(String[] args) {
        LocalHttpServer.useGatewayHeaderLimits(); // before anything in this JVM creates a JDK HTTP server
        if (args.length > 0 && args[0].equals("export")) {
            export(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length == 0 || !args[0].equals("local")) {
            System.err.println(LocalOptions.usage());
            System.err.println(ExportCommand.usage());
            System.exit(2);
        }
        LocalOptions options;
        try {
            options = LocalOptions.parse(Arrays.copyOfRange(args, 1, args.length), System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            LocalServer server = LocalServer.start(options, System.getenv(), System.out);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception ignored) {
                    // shutting down anyway
                }
            }));
        } catch (BundleException e) {
            System.err.println("import failed, nothing imported: " + e.getMessage());
            // DynamoDB Local leaves a non-daemon thread behind; exit explicitly
            System.exit(1);
        } catch (NoSuchFileException e) {
            System.err.println("file not found: " + e.getMessage());
            System.exit(1);
        } catch (Exception e) {
            System.err.println("gproxy local failed to start: " + e);
            System.exit(1);
        }
    }

    /** {@code gproxy export}: exits 0 after writing the file, 2 on bad usage, 1 on failure. */
    private static void export(String[] args) {
        int code;
        try {
            ExportCommand.Options options = ExportCommand.parse(args, System.getenv());
            int n = ExportCommand.run(options, System.getenv());
            System.out.println("exported " + n + " entities to " + options.out()
                    + (options.withSecrets() ? " (with plaintext secrets; keep it private)" : " (without secrets)"));
            code = 0;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("gproxy export failed: " + e);
            code = 1;
        }
        // DynamoDB Local leaves a non-daemon thread behind; exit explicitly
        System.exit(code);
    }
}
