package io.gproxy.local;

import io.gproxy.app.Gateway;
import io.gproxy.app.RuntimeConfig;
import io.gproxy.protocol.Json;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code gproxy export --out FILE [--with-secrets] [--data-dir ./data]}: the local data directory's config as an
 * import bundle, the same document {@code GET /admin/export} returns. The file is created owner-only (0600) before
 * anything is written to it, since with {@code --with-secrets} it holds plaintext upstream secrets and keys. Needs
 * the data directory's master key (or {@code GPROXY_MASTER_KEY}) and must not run while {@code gproxy local} holds
 * the same directory.
 */
public final class ExportCommand {
    public record Options(Path out, boolean withSecrets, Path dataDir) {}

    private ExportCommand() {}

    public static Options parse(String[] args, Map<String, String> env) {
        Path out = null;
        boolean secrets = false;
        Path dataDir = Path.of(env.getOrDefault("GPROXY_DATA_DIR", "./data"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--with-secrets" -> secrets = true;
                case "--data-dir" -> dataDir = Path.of(value(args, ++i));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + usage());
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("--out is required\n" + usage());
        }
        return new Options(out, secrets, dataDir);
    }

    public static String usage() {
        return "usage: gproxy export --out FILE [--with-secrets] [--data-dir ./data]";
    }

    /** Writes the bundle; returns the number of entities written. */
    public static int run(Options options, Map<String, String> env) throws Exception {
        Path keyFile = options.dataDir().resolve("master.key");
        String masterKey = env.get("GPROXY_MASTER_KEY");
        if (masterKey == null || masterKey.isBlank()) {
            if (!Files.exists(keyFile)) {
                throw new IllegalArgumentException("no GPROXY_MASTER_KEY and no " + keyFile + ": cannot open secrets");
            }
            masterKey = Files.readString(keyFile, StandardCharsets.US_ASCII).trim();
        }
        if (!Files.isDirectory(options.dataDir().resolve("dynamodb"))) {
            throw new IllegalArgumentException("no gproxy data in " + options.dataDir());
        }
        try (EmbeddedDynamo dynamo = EmbeddedDynamo.start(options.dataDir(), false)) {
            Map<String, String> effective = new HashMap<>(env);
            effective.put("GPROXY_MASTER_KEY", masterKey);
            effective.put("GPROXY_DYNAMODB_ENDPOINT", dynamo.endpoint());
            RuntimeConfig config = RuntimeConfig.fromEnv(effective);
            try (DynamoDbClient ddb = Gateway.dynamoFromConfig(config)) {
                Gateway gateway = Gateway.builder().config(config).dynamoDb(ddb).build();
                var bundle = gateway.exporter().export(gateway.store().load(), options.withSecrets());
                writePrivate(options.out(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(bundle));
                int n = 0;
                for (var section : bundle.properties()) {
                    n += section.getValue().isArray() ? section.getValue().size() : 0;
                }
                return n;
            }
        }
    }

    /** Creates (or truncates) the file as owner-only first, so the content is never readable by others. */
    static void writePrivate(Path file, byte[] content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException exists) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // non-POSIX file system: best effort
        }
        try (OutputStream os = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            os.write(content);
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("missing value\n" + usage());
        }
        return args[i];
    }
}
