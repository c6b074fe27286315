using System;
using System.Globalization;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// The kernel's half of a VFIO migration driver, for devices written in C#: <see cref="SetState"/> plans the request
/// with <see cref="VfioTransitionPlanner"/> and calls <see cref="Step"/> once per single arc, as <c>vfio_main.c</c>
/// and a driver's <c>migration_set_state</c> loop do; a device implements the arcs and its data stream.
/// </summary>
public abstract class VfioMigrationDriver : IVfioMigrationDevice
{
    /// <summary>Creates a driver with <paramref name="features"/>, in RUNNING.</summary>
    /// <param name="features">The migration features; must include <see cref="VfioMigrationFeatures.StopCopy"/> and no undefined bit.</param>
    /// <exception cref="ArgumentException">The features are not a valid set.</exception>
    protected VfioMigrationDriver(VfioMigrationFeatures features)
    {
        if ((features & VfioMigrationFeatures.StopCopy) == 0 || (features & ~VfioMigrationFeatures.All) != 0)
        {
            throw new ArgumentException(
                "A migratable device has stop-copy and no undefined feature; got " + VfioStates.FormatFeatures(features) + ".",
                nameof(features));
        }

        Features = features;
    }

    /// <inheritdoc/>
    public VfioMigrationFeatures Features { get; }

    /// <inheritdoc/>
    public VfioDeviceState State { get; private set; } = VfioDeviceState.Running;

    /// <inheritdoc/>
    public IVfioDataFile? SetState(VfioDeviceState target)
    {
        VfioTransitionPlan plan = VfioTransitionPlanner.Plan(State, target, Features);
        if (!plan.IsPossible)
        {
            throw new VfioStateException(plan.Reason!, State);
        }

        IVfioDataFile? opened = null;
        foreach ((VfioDeviceState from, VfioDeviceState to) in plan.Arcs())
        {
            IVfioDataFile? stream;
            try
            {
                stream = Step(from, to, VfioArcs.Classify(from, to));
            }
            catch (MigrationFormatException)
            {
                // Invalid resuming data: the device cannot take it, and a reset is the only way back.
                State = VfioDeviceState.Error;
                throw;
            }
            catch (Exception ex) when (ex is not VfioStateException)
            {
                throw new VfioStateException(
                    string.Create(CultureInfo.InvariantCulture, $"The arc {VfioStates.UapiName(from)} -> {VfioStates.UapiName(to)} failed: {ex.Message}"),
                    State,
                    ex);
            }

            State = to;
            if (stream is not null)
            {
                opened = stream;
            }
        }

        return opened;
    }

    /// <inheritdoc/>
    public abstract ulong GetStopCopySize();

    /// <inheritdoc/>
    public void Reset()
    {
        OnReset();
        State = VfioDeviceState.Running;
    }

    /// <summary>Takes one single arc.</summary>
    /// <param name="from">The state before.</param>
    /// <param name="to">The state after.</param>
    /// <param name="kind">What the arc does to the data stream.</param>
    /// <returns>The data stream the arc opens, or <see langword="null"/>.</returns>
    /// <exception cref="MigrationFormatException">Leaving RESUMING: the data is invalid (the device then is in ERROR).</exception>
    protected abstract IVfioDataFile? Step(VfioDeviceState from, VfioDeviceState to, VfioArcKind kind);

    /// <summary>Puts the device in its reset state and ends any open data stream.</summary>
    protected abstract void OnReset();
}
