package dev.flyregistry.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code _state} query value of upload session locations, as distribution 2.8.2 makes it: the
 * repository, the session UUID and the number of bytes received so far, signed with a key of this
 * emulator. Every request that changes the offset hands out a new value, so a location from before
 * a {@code PATCH} goes stale.
 */
final class UploadStates {
  /**
   * A decoded state.
   *
   * @param repository the repository of the session
   * @param uuid the session's UUID
   * @param offset the bytes received when the state was issued
   */
  record Decoded(String repository, String uuid, long offset) {}

  private static final int MAC_LENGTH = 32;
  private final SecretKeySpec key;

  UploadStates() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /**
   * @param repository the repository of the session
   * @param uuid the session's UUID
   * @param offset the bytes received so far
   * @return the URL-safe {@code _state} value
   */
  String pack(String repository, String uuid, long offset) {
    byte[] payload = (repository + "\n" + uuid + "\n" + offset).getBytes(StandardCharsets.UTF_8);
    byte[] mac = mac(payload);
    byte[] all = Arrays.copyOf(mac, mac.length + payload.length);
    System.arraycopy(payload, 0, all, mac.length, payload.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(all);
  }

  /**
   * @param text a {@code _state} value, possibly null
   * @return the state; empty when it is missing, malformed or not signed by this emulator
   */
  Optional<Decoded> unpack(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    byte[] all;
    try {
      all = Base64.getUrlDecoder().decode(text.replace("=", ""));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (all.length <= MAC_LENGTH) {
      return Optional.empty();
    }
    byte[] payload = Arrays.copyOfRange(all, MAC_LENGTH, all.length);
    if (!MessageDigest.isEqual(Arrays.copyOf(all, MAC_LENGTH), mac(payload))) {
      return Optional.empty();
    }
    String[] parts = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Decoded(parts[0], parts[1], Long.parseLong(parts[2])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
