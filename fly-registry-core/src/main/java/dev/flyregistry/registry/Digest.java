package dev.flyregistry.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A content digest ({@code sha256:<64 hex>} or {@code sha512:<128 hex>}), as used for blobs and
 * manifests. Hex is lower case.
 *
 * @param algorithm {@code sha256} or {@code sha512}
 * @param hex the encoded hash, lower-case hex of the right length
 */
public record Digest(String algorithm, String hex) {

  /** The SHA-256 algorithm name. */
  public static final String SHA256 = "sha256";

  /** The SHA-512 algorithm name. */
  public static final String SHA512 = "sha512";

  /**
   * Validates the components.
   *
   * @param algorithm {@code sha256} or {@code sha512}
   * @param hex the encoded hash, lower-case hex of the right length
   */
  public Digest {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(hex, "hex");
    int expected =
        switch (algorithm) {
          case SHA256 -> 64;
          case SHA512 -> 128;
          default ->
              throw new InvalidDigestException(
                  "unsupported digest algorithm \"" + algorithm + "\" (expected sha256 or sha512)");
        };
    if (hex.length() != expected) {
      throw new InvalidDigestException(
          algorithm
              + " digest must have "
              + expected
              + " hex characters, \""
              + abbreviate(hex)
              + "\" has "
              + hex.length());
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new InvalidDigestException(
            algorithm
                + " digest has '"
                + c
                + "' at hex position "
                + i
                + "; only lower-case hex (0-9, a-f) is allowed");
      }
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 140 ? s.substring(0, 140) + "..." : s;
  }

  /**
   * Parses {@code algorithm:hex}.
   *
   * @param value the digest string
   * @return the digest
   * @throws InvalidDigestException when the string is not a sha256 or sha512 digest
   */
  public static Digest parse(String value) {
    if (value == null) {
      throw new InvalidDigestException("digest is null");
    }
    int colon = value.indexOf(':');
    if (colon <= 0) {
      throw new InvalidDigestException(
          "digest \"" + abbreviate(value) + "\" must look like sha256:<64 hex characters>");
    }
    return new Digest(value.substring(0, colon), value.substring(colon + 1));
  }

  /**
   * @param data bytes to hash
   * @return the SHA-256 digest of {@code data}
   */
  public static Digest sha256(byte[] data) {
    return of(SHA256, data);
  }

  /**
   * @param algorithm {@code sha256} or {@code sha512}
   * @param data bytes to hash
   * @return the digest of {@code data} with that algorithm
   */
  public static Digest of(String algorithm, byte[] data) {
    MessageDigest md = newMessageDigest(algorithm);
    return new Digest(algorithm, HexFormat.of().formatHex(md.digest(data)));
  }

  /**
   * Wraps a finished hash.
   *
   * @param algorithm {@code sha256} or {@code sha512}
   * @param hash the raw hash bytes
   * @return the digest
   */
  public static Digest ofHash(String algorithm, byte[] hash) {
    return new Digest(algorithm, HexFormat.of().formatHex(hash));
  }

  /**
   * @return a fresh {@link MessageDigest} for this digest's algorithm, for streaming verification
   */
  public MessageDigest newMessageDigest() {
    return newMessageDigest(algorithm);
  }

  private static MessageDigest newMessageDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(SHA256.equals(algorithm) ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  /**
   * @param data bytes to check
   * @return whether {@code data} hashes to this digest
   */
  public boolean matches(byte[] data) {
    return MessageDigest.isEqual(newMessageDigest().digest(data), HexFormat.of().parseHex(hex));
  }

  /**
   * @return {@code algorithm:hex}
   */
  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
