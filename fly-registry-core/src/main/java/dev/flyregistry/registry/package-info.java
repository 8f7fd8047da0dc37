/**
 * The registry v2 client and its values: image references, digests, media types, descriptors, the
 * manifest family, and the registry error family.
 *
 * <p>The write path: {@link dev.flyregistry.registry.RegistryClient#push} sends an {@link
 * dev.flyregistry.registry.ImageSource} (an OCI image layout or a {@code docker save} archive) with
 * streamed, digest-checked uploads and reports per-blob {@link
 * dev.flyregistry.registry.PushProgress}; {@link dev.flyregistry.registry.RegistryClient#copy}
 * mounts blobs between repositories of one registry and streams them between registries; {@link
 * dev.flyregistry.registry.RegistryClient#tag} and {@link
 * dev.flyregistry.registry.RegistryClient#delete} complete it.
 */
package dev.flyregistry.registry;
