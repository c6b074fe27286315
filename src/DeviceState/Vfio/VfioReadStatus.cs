namespace MigrationFormat.DeviceState.Vfio;

/// <summary>The outcome of a read from a saving data stream.</summary>
public enum VfioReadStatus
{
    /// <summary>Bytes were read.</summary>
    Data,

    /// <summary>In pre-copy, nothing is pending for now (<c>read()</c> fails with <c>ENOMSG</c>); more may come while the device runs.</summary>
    NoDataPending,

    /// <summary>In STOP_COPY, the stream is complete (<c>read()</c> returns 0).</summary>
    EndOfStream,
}
