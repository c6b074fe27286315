namespace MigrationFormat.Visitors;

/// <summary>
/// Optional callbacks around a device's <see cref="IVisitable.Visit{TVisitor}(ref TVisitor)"/>, in the spirit of
/// QEMU's <c>pre_save</c>, <c>pre_load</c> and <c>post_load</c>: a device implements this interface when some of its
/// migrated fields are derived from other state, or when its live state must be fixed up from what was loaded.
/// The library calls them from every format's save and load (BER, the legacy QEMU stream, the stream containers);
/// describing, snapshotting and dumping never call them.
/// </summary>
public interface IStateHooks
{
    /// <summary>Called before every save visit: bring the fields to be saved up to date with the live state.</summary>
    void PreSave();

    /// <summary>
    /// Called before every load visit: give fields the values they must have when the input does not carry them
    /// (QEMU's <c>pre_load</c>). A failed load puts back every field as it was before this call.
    /// </summary>
    void PreLoad();

    /// <summary>
    /// Called once after a load has succeeded and its fields are final, never after a failed one: rebuild live state
    /// from the loaded fields. Throw <see cref="MigrationFormatException"/> to reject the loaded state; the device
    /// is then put back as it was before the load.
    /// </summary>
    /// <param name="sourceVersion">The version the state was saved with.</param>
    void PostLoad(int sourceVersion);
}
