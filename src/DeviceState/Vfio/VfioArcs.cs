using System.Collections.Generic;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// The single arcs a VFIO migration driver implements (the list in Linux's <c>vfio.h</c>), and what each does to the
/// data stream. Any other transition is a combination of these, chosen by the arc table.
/// </summary>
public static class VfioArcs
{
    /// <summary>Gets every single arc with its kind, for a device with every feature and for devices without P2P.</summary>
    public static IReadOnlyList<(VfioDeviceState From, VfioDeviceState To, VfioArcKind Kind)> All { get; } =
    [
        (VfioDeviceState.Running, VfioDeviceState.RunningP2P, VfioArcKind.Plain),
        (VfioDeviceState.RunningP2P, VfioDeviceState.Running, VfioArcKind.Plain),
        (VfioDeviceState.RunningP2P, VfioDeviceState.Stop, VfioArcKind.Plain),
        (VfioDeviceState.Stop, VfioDeviceState.RunningP2P, VfioArcKind.Plain),
        (VfioDeviceState.Running, VfioDeviceState.Stop, VfioArcKind.Plain),
        (VfioDeviceState.Stop, VfioDeviceState.Running, VfioArcKind.Plain),
        (VfioDeviceState.Stop, VfioDeviceState.StopCopy, VfioArcKind.OpensSavingStream),
        (VfioDeviceState.Running, VfioDeviceState.PreCopy, VfioArcKind.OpensSavingStream),
        (VfioDeviceState.RunningP2P, VfioDeviceState.PreCopyP2P, VfioArcKind.OpensSavingStream),
        (VfioDeviceState.PreCopyP2P, VfioDeviceState.StopCopy, VfioArcKind.ContinuesSavingStream),
        (VfioDeviceState.PreCopy, VfioDeviceState.StopCopy, VfioArcKind.ContinuesSavingStream),
        (VfioDeviceState.PreCopy, VfioDeviceState.PreCopyP2P, VfioArcKind.KeepsSavingStream),
        (VfioDeviceState.PreCopyP2P, VfioDeviceState.PreCopy, VfioArcKind.KeepsSavingStream),
        (VfioDeviceState.PreCopy, VfioDeviceState.Running, VfioArcKind.EndsSavingStream),
        (VfioDeviceState.PreCopyP2P, VfioDeviceState.RunningP2P, VfioArcKind.EndsSavingStream),
        (VfioDeviceState.StopCopy, VfioDeviceState.Stop, VfioArcKind.EndsSavingStream),
        (VfioDeviceState.Stop, VfioDeviceState.Resuming, VfioArcKind.OpensResumingStream),
        (VfioDeviceState.Resuming, VfioDeviceState.Stop, VfioArcKind.EndsResumingStream),
    ];

    /// <summary>Gets what the single arc from <paramref name="from"/> to <paramref name="to"/> does.</summary>
    /// <param name="from">The state before.</param>
    /// <param name="to">The state after.</param>
    /// <returns>Its kind, or <see cref="VfioArcKind.None"/> when no single arc joins them.</returns>
    public static VfioArcKind Classify(VfioDeviceState from, VfioDeviceState to)
    {
        foreach ((VfioDeviceState arcFrom, VfioDeviceState arcTo, VfioArcKind kind) in All)
        {
            if (arcFrom == from && arcTo == to)
            {
                return kind;
            }
        }

        return VfioArcKind.None;
    }
}
