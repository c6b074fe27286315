namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// The kernel's arc table (<c>vfio_from_fsm_table</c> in Linux's <c>drivers/vfio/vfio_main.c</c>): for a current and a
/// requested state, the next state on the way when the device has every feature. The planner walks it, skipping
/// states the device lacks the features for, exactly as <c>vfio_mig_get_next_state</c> does.
/// </summary>
/// <remarks>
/// Read row by row: from the row's state towards the column's. ERROR in a cell means the request is blocked; every
/// cell of the ERROR row is ERROR, and the STOP_COPY row blocks both pre-copy states.
/// </remarks>
public static class VfioArcTable
{
    private const byte E = (byte)VfioDeviceState.Error;
    private const byte S = (byte)VfioDeviceState.Stop;
    private const byte R = (byte)VfioDeviceState.Running;
    private const byte SC = (byte)VfioDeviceState.StopCopy;
    private const byte RS = (byte)VfioDeviceState.Resuming;
    private const byte RP = (byte)VfioDeviceState.RunningP2P;
    private const byte PC = (byte)VfioDeviceState.PreCopy;
    private const byte PP = (byte)VfioDeviceState.PreCopyP2P;

    // Columns in uAPI order: ERROR, STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P.
    private static readonly byte[] Table =
    [
        /* ERROR        */ E, E, E, E, E, E, E, E,
        /* STOP         */ E, S, RP, SC, RS, RP, RP, RP,
        /* RUNNING      */ E, RP, R, RP, RP, RP, PC, RP,
        /* STOP_COPY    */ E, S, S, SC, S, S, E, E,
        /* RESUMING     */ E, S, S, S, RS, S, S, S,
        /* RUNNING_P2P  */ E, S, R, S, S, RP, R, PP,
        /* PRE_COPY     */ E, R, R, PP, R, R, PC, PP,
        /* PRE_COPY_P2P */ E, RP, RP, SC, RP, RP, PC, PP,
    ];

    /// <summary>Gets the table's next state from <paramref name="current"/> towards <paramref name="target"/>.</summary>
    /// <param name="current">A defined state.</param>
    /// <param name="target">A defined state.</param>
    /// <returns>The cell; <see cref="VfioDeviceState.Error"/> when the request is blocked.</returns>
    /// <exception cref="System.ArgumentOutOfRangeException">A state is not defined.</exception>
    public static VfioDeviceState Next(VfioDeviceState current, VfioDeviceState target)
    {
        if (!VfioStates.IsDefined(current))
        {
            throw new System.ArgumentOutOfRangeException(nameof(current), current, "Not a VFIO device state.");
        }

        if (!VfioStates.IsDefined(target))
        {
            throw new System.ArgumentOutOfRangeException(nameof(target), target, "Not a VFIO device state.");
        }

        return (VfioDeviceState)Table[((int)current * VfioStates.Count) + (int)target];
    }
}
