namespace MigrationFormat.Qemu;

/// <summary>The commands of a <see cref="QemuCommandRecord"/> (QEMU's <c>MIG_CMD_*</c>).</summary>
public enum QemuCommand
{
    /// <summary>0: invalid, rejected.</summary>
    Invalid = 0,

    /// <summary>1: open the return path (no data).</summary>
    OpenReturnPath = 1,

    /// <summary>2: ping (be32 value).</summary>
    Ping = 2,

    /// <summary>3: postcopy advise (0 or 16 bytes).</summary>
    PostcopyAdvise = 3,

    /// <summary>4: postcopy listen (no data).</summary>
    PostcopyListen = 4,

    /// <summary>5: postcopy run (no data).</summary>
    PostcopyRun = 5,

    /// <summary>6: postcopy RAM discard (variable).</summary>
    PostcopyRamDiscard = 6,

    /// <summary>7: packaged (be32 length of an embedded stream that follows the record's data).</summary>
    Packaged = 7,

    /// <summary>8: enable COLO (no data).</summary>
    EnableColo = 8,

    /// <summary>9: postcopy resume (no data).</summary>
    PostcopyResume = 9,

    /// <summary>10: receive bitmap (variable).</summary>
    RecvBitmap = 10,

    /// <summary>11: switchover start (no data); QEMU 10.0 sends it before the device state when the machine type is 10.0 or newer.</summary>
    SwitchoverStart = 11,
}
