namespace MigrationFormat.DeviceState.Vfio;

/// <summary>What a single arc between two VFIO states does to the device and to its data stream.</summary>
public enum VfioArcKind
{
    /// <summary>Not a single arc: the kernel never steps directly between these states.</summary>
    None,

    /// <summary>Changes how the device runs, with no data stream involved (RUNNING to RUNNING_P2P, RUNNING_P2P to STOP, ...).</summary>
    Plain,

    /// <summary>Opens a new saving data stream (RUNNING to PRE_COPY, RUNNING_P2P to PRE_COPY_P2P, STOP to STOP_COPY).</summary>
    OpensSavingStream,

    /// <summary>Stops the device and continues the pre-copy stream to its end (PRE_COPY_P2P to STOP_COPY; PRE_COPY to STOP_COPY without P2P).</summary>
    ContinuesSavingStream,

    /// <summary>Moves between PRE_COPY and PRE_COPY_P2P; the saving stream is unaffected.</summary>
    KeepsSavingStream,

    /// <summary>Ends the saving stream (PRE_COPY to RUNNING, PRE_COPY_P2P to RUNNING_P2P, STOP_COPY to STOP).</summary>
    EndsSavingStream,

    /// <summary>Opens a resuming data stream (STOP to RESUMING).</summary>
    OpensResumingStream,

    /// <summary>Ends the resuming stream; the device validates and takes the data, and fails the arc if it is invalid (RESUMING to STOP).</summary>
    EndsResumingStream,
}
