package io.gproxy.local;

import io.gproxy.crypto.MasterKeyCipher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where local mode's master key comes from: {@code GPROXY_MASTER_KEY}, else {@code <data-dir>/master.key}, else a
 * new key written there (owner-only permissions) with a warning; in-memory mode uses a throwaway key.
 */
final class MasterKeyFile {
    private MasterKeyFile() {}

    static String resolve(String fromEnv, Path dataDir, boolean inMemory, PrintStream out) throws IOException {
        if (fromEnv != null) {
            return fromEnv;
        }
        if (inMemory) {
            return MasterKeyCipher.generateKeyBase64();
        }
        Path file = dataDir.resolve("master.key");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        Files.createDirectories(dataDir);
        String key = MasterKeyCipher.generateKeyBase64();
        Files.writeString(file, key + "\n", StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort on non-POSIX file systems
        }
        out.println("WARNING: GPROXY_MASTER_KEY is not set; generated a master key into " + file.toAbsolutePath()
                + ". Keep it with the data directory: secrets sealed with it cannot be opened without it.");
        return key;
    }

}
