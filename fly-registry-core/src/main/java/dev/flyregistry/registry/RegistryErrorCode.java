package dev.flyregistry.registry;

import java.util.Locale;

/**
 * The error codes of the OCI distribution spec and Docker registry API, with {@link #UNKNOWN} for
 * codes this SDK does not know (the raw code is kept in {@link RegistryError#rawCode()}).
 */
public enum RegistryErrorCode {
  /** Blob unknown to registry. */
  BLOB_UNKNOWN,
  /** Blob upload invalid. */
  BLOB_UPLOAD_INVALID,
  /** Blob upload unknown to registry. */
  BLOB_UPLOAD_UNKNOWN,
  /** Provided digest did not match uploaded content. */
  DIGEST_INVALID,
  /** Manifest references a blob unknown to the registry. */
  MANIFEST_BLOB_UNKNOWN,
  /** Manifest invalid. */
  MANIFEST_INVALID,
  /** Manifest unknown. */
  MANIFEST_UNKNOWN,
  /** Manifest failed signature verification (legacy). */
  MANIFEST_UNVERIFIED,
  /** Invalid repository name. */
  NAME_INVALID,
  /** Repository name not known to registry. */
  NAME_UNKNOWN,
  /** Provided length did not match content length. */
  SIZE_INVALID,
  /** Manifest tag did not match URI (legacy). */
  TAG_INVALID,
  /** Authentication required. */
  UNAUTHORIZED,
  /** Requested access to the resource is denied. */
  DENIED,
  /** The operation is unsupported. */
  UNSUPPORTED,
  /** Too many requests. */
  TOOMANYREQUESTS,
  /** Invalid number of results requested. */
  PAGINATION_NUMBER_INVALID,
  /** Requested range not satisfiable. */
  RANGE_INVALID,
  /** A code this SDK does not know. */
  UNKNOWN;

  /**
   * @param raw the code as the registry sent it, may be null
   * @return the matching constant, or {@link #UNKNOWN}
   */
  public static RegistryErrorCode of(String raw) {
    if (raw == null || raw.isBlank()) {
      return UNKNOWN;
    }
    try {
      RegistryErrorCode c = valueOf(raw.trim().toUpperCase(Locale.ROOT));
      return c;
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }
}
