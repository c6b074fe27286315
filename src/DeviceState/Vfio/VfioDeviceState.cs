namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// A VFIO device's migration state (<c>enum vfio_device_mig_state</c> in Linux's <c>include/uapi/linux/vfio.h</c>),
/// with the uAPI's numbers.
/// </summary>
public enum VfioDeviceState
{
    /// <summary><c>VFIO_DEVICE_STATE_ERROR</c>: a failed transition left the device unusable; only a reset leaves it. Never requested.</summary>
    Error = 0,

    /// <summary><c>VFIO_DEVICE_STATE_STOP</c>: the device does not run and does not change its state.</summary>
    Stop = 1,

    /// <summary><c>VFIO_DEVICE_STATE_RUNNING</c>: the device runs normally.</summary>
    Running = 2,

    /// <summary><c>VFIO_DEVICE_STATE_STOP_COPY</c>: stopped, its complete state readable from the data stream.</summary>
    StopCopy = 3,

    /// <summary><c>VFIO_DEVICE_STATE_RESUMING</c>: stopped, taking a saved state written into the data stream.</summary>
    Resuming = 4,

    /// <summary><c>VFIO_DEVICE_STATE_RUNNING_P2P</c>: running, but starting no new peer-to-peer DMA (needs the P2P feature).</summary>
    RunningP2P = 5,

    /// <summary><c>VFIO_DEVICE_STATE_PRE_COPY</c>: running while the data stream gives initial and dirty state (needs PRE_COPY).</summary>
    PreCopy = 6,

    /// <summary><c>VFIO_DEVICE_STATE_PRE_COPY_P2P</c>: <see cref="PreCopy"/> without new peer-to-peer DMA (needs P2P and PRE_COPY).</summary>
    PreCopyP2P = 7,
}
