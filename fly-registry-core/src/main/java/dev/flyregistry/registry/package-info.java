/**
 * The registry v2 client and its values: image references, digests, media types, descriptors, the
 * manifest family, and the registry error family.
 */
package dev.flyregistry.registry;
