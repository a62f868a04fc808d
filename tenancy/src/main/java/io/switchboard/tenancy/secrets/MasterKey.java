package io.switchboard.tenancy.secrets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The 256-bit AES key the {@link LocalSecretStore} encrypts secret values with.
 *
 * <p>It comes from {@value #ENV_VARIABLE} (the base64 of exactly 32 random bytes, e.g.
 * {@code openssl rand -base64 32}) or, when that is unset, from the key file
 * {@code <data dir>/}{@value #FILE_NAME}, which is created with owner-only permissions
 * ({@code rw-------}) on first start and read on later starts. Whoever loses the key loses every
 * locally stored secret; whoever has it and the database can read them all: back it up, apart from
 * the database.
 *
 * <p>{@link #load} and {@link #loadOrCreate} do blocking file IO: call them once at start-up, on
 * the main thread before Vert.x starts (or on a worker thread), never on an event loop.
 *
 * <p>The key is never printed; {@link #id()} is a short fingerprint (an HMAC of a constant under
 * the key, revealing nothing about it) stored next to each ciphertext, so that a value written under
 * another key is reported as such rather than as tampering.
 */
public final class MasterKey {

  public static final String ENV_VARIABLE = "SWITCHBOARD_MASTER_KEY";
  public static final String FILE_NAME = "master.key";
  public static final int KEY_BYTES = 32;

  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final String HOW_TO_GENERATE = "generate one with: openssl rand -base64 32";

  private final SecretKey key;
  private final String id;

  private MasterKey(byte[] raw) {
    this.key = new SecretKeySpec(raw, "AES");
    this.id = fingerprint(raw);
    Arrays.fill(raw, (byte) 0);
  }

  /**
   * The key from {@code SWITCHBOARD_MASTER_KEY} when given, else from the key file in
   * {@code dataDir} (created if absent). Blocking: call at start-up, before Vert.x.
   *
   * @param fromEnv the value of {@code SWITCHBOARD_MASTER_KEY}, already checked (see
   *     {@link SecretStoreSettings#masterKey()})
   */
  public static MasterKey load(Optional<MasterKey> fromEnv, Path dataDir) {
    return fromEnv.orElseGet(() -> loadOrCreate(dataDir.resolve(FILE_NAME)));
  }

  /**
   * Decodes a {@code SWITCHBOARD_MASTER_KEY} value: standard base64 of exactly 32 bytes. Errors name
   * the variable and never repeat its value.
   */
  public static MasterKey fromBase64(String base64) {
    return decode(base64, ENV_VARIABLE);
  }

  /** A new random key; for tests and tools. */
  public static MasterKey generate() {
    byte[] raw = new byte[KEY_BYTES];
    RANDOM.nextBytes(raw);
    return new MasterKey(raw);
  }

  /**
   * Reads the key file, or creates it with a new random key and owner-only permissions when it does
   * not exist. Blocking file IO: call at start-up, before Vert.x. Creation is atomic (a complete
   * file appears under its name or none does), so two nodes starting on one data directory agree on
   * one key.
   */
  public static MasterKey loadOrCreate(Path file) {
    if (!Files.exists(file)) {
      try {
        create(file);
      } catch (FileAlreadyExistsException raced) {
        // another process created it first: use theirs
      } catch (IOException e) {
        throw new IllegalStateException("cannot create the master key file " + file + ": " + e.getMessage(), e);
      }
    }
    return read(file);
  }

  /**
   * A key for another purpose, derived from this one (HMAC-SHA256 of the purpose under the master
   * key): every node with the same master key derives the same key, and the derived key reveals
   * nothing about the master key. The audit chain's key is derived this way.
   */
  public byte[] derive(String purpose) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
      return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** A short fingerprint of the key, safe to print and store. */
  public String id() {
    return id;
  }

  SecretKey secretKey() {
    return key;
  }

  @Override
  public String toString() {
    return "MasterKey[id=" + id + "]";
  }

  private static MasterKey read(Path file) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the master key file " + file + ": " + e.getMessage(), e);
    }
    warnIfReadableByOthers(file);
    return decode(content, "the master key file " + file);
  }

  private static void create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    byte[] raw = new byte[KEY_BYTES];
    RANDOM.nextBytes(raw);
    byte[] content = (Base64.getEncoder().encodeToString(raw) + "\n").getBytes(StandardCharsets.US_ASCII);
    Arrays.fill(raw, (byte) 0);
    boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
    FileAttribute<?>[] attributes = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    // Write a temporary file in full, then link it under the final name: the link fails if the name
    // exists, so a concurrent starter never overwrites a key and never reads a half-written one.
    Path temp = Files.createTempFile(dir, FILE_NAME + ".", ".tmp", attributes);
    try {
      Files.write(temp, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
      try {
        Files.createLink(file, temp);
      } catch (UnsupportedOperationException noLinks) {
        Files.move(temp, file);
      }
    } finally {
      Files.deleteIfExists(temp);
      Arrays.fill(content, (byte) 0);
    }
    LOG.warn("Created a new master key for local secrets at {}. Back it up apart from the database: "
        + "without it, stored secrets cannot be decrypted.", file);
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      if (Files.getFileStore(file).supportsFileAttributeView("posix")
          && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
        LOG.warn("The master key file {} is accessible to other users; restrict it with: chmod 600 {}", file, file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // cannot tell; nothing to warn about
    }
  }

  static MasterKey decode(String base64, String source) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + " is not valid base64; " + HOW_TO_GENERATE);
    }
    if (raw.length != KEY_BYTES) {
      int length = raw.length;
      Arrays.fill(raw, (byte) 0);
      throw new IllegalArgumentException(source + " must be the base64 of exactly " + KEY_BYTES
          + " bytes (it decodes to " + length + " bytes); " + HOW_TO_GENERATE);
    }
    return new MasterKey(raw);
  }

  private static String fingerprint(byte[] raw) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(raw, "HmacSHA256"));
      byte[] digest = mac.doFinal("switchboard master key id".getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
