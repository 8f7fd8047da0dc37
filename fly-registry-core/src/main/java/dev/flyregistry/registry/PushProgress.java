package dev.flyregistry.registry;

/**
 * Receives progress of a push or copy, per blob. Every method has an empty default, so a listener
 * implements only what it shows.
 *
 * <p><b>Threads:</b> blobs are uploaded concurrently, so the methods are called from the SDK's
 * worker threads, several at once for different blobs (never concurrently for the same blob).
 * Implementations must be thread-safe and quick; they must not throw (an exception thrown by a
 * listener fails the push).
 *
 * <p>For one blob the calls are: {@link #blobSkipped} alone when the target already has it or it
 * was mounted; otherwise {@link #blobStarted}, {@link #bytesSent} any number of times, and {@link
 * #blobDone}. When an upload is retried as a new session, {@link #blobStarted} is called again and
 * the sent count starts again from zero.
 */
public interface PushProgress {

  /** Why a blob was not uploaded. */
  enum SkipReason {
    /** The target repository already had the blob (found with {@code HEAD}). */
    EXISTS,
    /** The blob was mounted from another repository of the same registry. */
    MOUNTED
  }

  /**
   * An upload of a blob begins (again, after a retry).
   *
   * @param blob the blob
   */
  default void blobStarted(Descriptor blob) {}

  /**
   * Bytes of a blob went out.
   *
   * @param blob the blob
   * @param sent bytes sent so far in this upload session
   * @param total the blob's size
   */
  default void bytesSent(Descriptor blob, long sent, long total) {}

  /**
   * A blob needed no upload.
   *
   * @param blob the blob
   * @param reason why
   */
  default void blobSkipped(Descriptor blob, SkipReason reason) {}

  /**
   * A blob was uploaded and the registry accepted its digest.
   *
   * @param blob the blob
   */
  default void blobDone(Descriptor blob) {}

  /**
   * A manifest was stored (child manifests of an index first, the root last).
   *
   * @param manifest the manifest's descriptor
   * @param reference the tag or digest it was stored under
   */
  default void manifestPushed(Descriptor manifest, String reference) {}

  /**
   * @return a listener that ignores every event
   */
  static PushProgress none() {
    return new PushProgress() {};
  }
}
