package io.switchboard.tenancy.secrets;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * AES-256-GCM for secret values: a fresh random 12-byte nonce per encryption, a 128-bit tag, and the
 * tenant id, name and version bound as additional authenticated data, so a ciphertext copied to
 * another tenant's, name's or version's row fails to decrypt. CPU only; safe on an event loop.
 */
final class SecretCipher {

  static final int NONCE_BYTES = 12;
  static final int TAG_BITS = 128;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final String AAD_LABEL = "switchboard.secret.v1";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A nonce and the ciphertext with its tag appended. */
  record Sealed(byte[] nonce, byte[] ciphertext) {
  }

  private final MasterKey key;

  SecretCipher(MasterKey key) {
    this.key = key;
  }

  String keyId() {
    return key.id();
  }

  Sealed seal(String tenantId, String name, long version, String value) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(tenantId, name, version));
      return new Sealed(nonce, cipher.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * The plaintext, or an {@link AEADBadTagException} when the ciphertext, nonce, tenant, name or
   * version differ from what was sealed, or the key is not the one it was sealed with.
   */
  String open(String tenantId, String name, long version, byte[] nonce, byte[] ciphertext) throws AEADBadTagException {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(tenantId, name, version));
      return new String(cipher.doFinal(ciphertext), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      // a nonce of the wrong length or a ciphertext shorter than the tag: the row was tampered with
      throw new AEADBadTagException("malformed ciphertext");
    }
  }

  /** Seals a key the nodes share ({@link WrappedKeys}), bound to its name. */
  Sealed sealKey(String name, byte[] key) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.ENCRYPT_MODE, this.key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(keyAad(name));
      return new Sealed(nonce, cipher.doFinal(key));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /** Opens a key sealed with {@link #sealKey}; an {@link AEADBadTagException} when it does not authenticate. */
  byte[] openKey(String name, byte[] nonce, byte[] ciphertext) throws AEADBadTagException {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(keyAad(name));
      return cipher.doFinal(ciphertext);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new AEADBadTagException("malformed ciphertext");
    }
  }

  private static byte[] keyAad(String name) {
    return ("switchboard.wrapped-key.v1\n" + name).getBytes(StandardCharsets.UTF_8);
  }

  /** Length-prefixed fields, so no two (tenant, name, version) triples encode alike. */
  static byte[] aad(String tenantId, String name, long version) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(AAD_LABEL);
      out.writeUTF(tenantId);
      out.writeUTF(name);
      out.writeLong(version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
