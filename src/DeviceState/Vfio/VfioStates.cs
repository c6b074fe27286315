using System;
using System.Collections.Generic;
using System.Globalization;

namespace MigrationFormat.DeviceState.Vfio;

/// <summary>
/// Facts about the VFIO migration states: their uAPI names, the features each needs, and which belong to the saving
/// group; and the parsing of state and feature names as the command line takes them.
/// </summary>
public static class VfioStates
{
    /// <summary>The number of states the uAPI defines (<c>ERROR</c> to <c>PRE_COPY_P2P</c>).</summary>
    public const int Count = 8;

    private const string UapiPrefix = "VFIO_DEVICE_STATE_";

    private static readonly string[] Names = ["ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P", "PRE_COPY", "PRE_COPY_P2P"];

    /// <summary>Gets every state, in uAPI order.</summary>
    public static IReadOnlyList<VfioDeviceState> All { get; } =
    [
        VfioDeviceState.Error, VfioDeviceState.Stop, VfioDeviceState.Running, VfioDeviceState.StopCopy,
        VfioDeviceState.Resuming, VfioDeviceState.RunningP2P, VfioDeviceState.PreCopy, VfioDeviceState.PreCopyP2P,
    ];

    /// <summary>Gets a value indicating whether <paramref name="state"/> is one of the uAPI's eight states.</summary>
    /// <param name="state">A state, possibly cast from an arbitrary number.</param>
    /// <returns><see langword="true"/> for 0 to 7.</returns>
    public static bool IsDefined(VfioDeviceState state) => (uint)state < Count;

    /// <summary>Gets the uAPI name of a state without its <c>VFIO_DEVICE_STATE_</c> prefix (<c>RUNNING_P2P</c>).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The name, or the number for a value outside the uAPI.</returns>
    public static string UapiName(VfioDeviceState state) =>
        IsDefined(state) ? Names[(int)state] : ((int)state).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Gets the features a device needs to have <paramref name="state"/> (the kernel's <c>state_flags_table</c>);
    /// <see langword="null"/> for <see cref="VfioDeviceState.Error"/>, which no feature set makes requestable.
    /// </summary>
    /// <param name="state">A defined state.</param>
    /// <returns>The needed features, or <see langword="null"/> for ERROR.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is not defined.</exception>
    public static VfioMigrationFeatures? RequiredFeatures(VfioDeviceState state) => state switch
    {
        VfioDeviceState.Error => null,
        VfioDeviceState.Stop or VfioDeviceState.Running or VfioDeviceState.StopCopy or VfioDeviceState.Resuming => VfioMigrationFeatures.StopCopy,
        VfioDeviceState.RunningP2P => VfioMigrationFeatures.StopCopy | VfioMigrationFeatures.P2P,
        VfioDeviceState.PreCopy => VfioMigrationFeatures.StopCopy | VfioMigrationFeatures.PreCopy,
        VfioDeviceState.PreCopyP2P => VfioMigrationFeatures.All,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Not a VFIO device state."),
    };

    /// <summary>Gets a value indicating whether a device with <paramref name="features"/> can be in <paramref name="state"/>.</summary>
    /// <param name="state">A state.</param>
    /// <param name="features">The device's features.</param>
    /// <returns><see langword="false"/> for ERROR, undefined states, and states whose features the device lacks.</returns>
    public static bool IsSupported(VfioDeviceState state, VfioMigrationFeatures features) =>
        IsDefined(state) && RequiredFeatures(state) is { } needed && (features & needed) == needed;

    /// <summary>
    /// Gets a value indicating whether <paramref name="state"/> is in the saving group (PRE_COPY, PRE_COPY_P2P,
    /// STOP_COPY): states that have a saving data stream open. A path that enters the group from outside ends there;
    /// one that starts inside may move within it (PRE_COPY -> PRE_COPY_P2P -> STOP_COPY keeps one stream).
    /// </summary>
    /// <param name="state">A state.</param>
    /// <returns><see langword="true"/> for the three saving states.</returns>
    public static bool IsSaving(VfioDeviceState state) =>
        state is VfioDeviceState.PreCopy or VfioDeviceState.PreCopyP2P or VfioDeviceState.StopCopy;

    /// <summary>Gets a value indicating whether the device runs (its state may change) in <paramref name="state"/>.</summary>
    /// <param name="state">A state.</param>
    /// <returns><see langword="true"/> for RUNNING, RUNNING_P2P, PRE_COPY and PRE_COPY_P2P.</returns>
    public static bool IsRunning(VfioDeviceState state) =>
        state is VfioDeviceState.Running or VfioDeviceState.RunningP2P or VfioDeviceState.PreCopy or VfioDeviceState.PreCopyP2P;

    /// <summary>
    /// Parses a state: its uAPI name with or without the <c>VFIO_DEVICE_STATE_</c> prefix, in any case, with <c>-</c>
    /// or <c>_</c> between words (<c>running-p2p</c>, <c>RUNNING_P2P</c>), or its number.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="state">The state, when the result is <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> names a state.</returns>
    public static bool TryParse(string? text, out VfioDeviceState state)
    {
        state = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string name = text.Trim().Replace('-', '_').ToUpperInvariant();
        if (name.StartsWith(UapiPrefix, StringComparison.Ordinal))
        {
            name = name[UapiPrefix.Length..];
        }

        int index = Array.IndexOf(Names, name);
        if (index < 0 && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number < Count)
        {
            index = number;
        }

        if (index < 0)
        {
            return false;
        }

        state = (VfioDeviceState)index;
        return true;
    }

    /// <summary>Gets the names <see cref="TryParse"/> accepts, for messages.</summary>
    /// <returns>The uAPI names, comma separated.</returns>
    public static string NameList() => string.Join(", ", Names);

    /// <summary>
    /// Parses a comma-separated feature list: <c>stop-copy</c>, <c>p2p</c>, <c>pre-copy</c> (any case, <c>-</c> or
    /// <c>_</c>, with or without the <c>VFIO_MIGRATION_</c> prefix). An empty list is no feature.
    /// </summary>
    /// <param name="text">The list.</param>
    /// <param name="features">The features, when the result is <see langword="true"/>.</param>
    /// <param name="unknown">The first name not understood, when the result is <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when every name is a feature.</returns>
    public static bool TryParseFeatures(string text, out VfioMigrationFeatures features, out string? unknown)
    {
        ArgumentNullException.ThrowIfNull(text);
        features = VfioMigrationFeatures.None;
        unknown = null;
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string name = part.Replace('-', '_').ToUpperInvariant();
            if (name.StartsWith("VFIO_MIGRATION_", StringComparison.Ordinal))
            {
                name = name["VFIO_MIGRATION_".Length..];
            }

            VfioMigrationFeatures feature = name switch
            {
                "STOP_COPY" => VfioMigrationFeatures.StopCopy,
                "P2P" => VfioMigrationFeatures.P2P,
                "PRE_COPY" => VfioMigrationFeatures.PreCopy,
                _ => VfioMigrationFeatures.None,
            };
            if (feature == VfioMigrationFeatures.None)
            {
                unknown = part;
                return false;
            }

            features |= feature;
        }

        return true;
    }

    /// <summary>Formats features the way <see cref="TryParseFeatures"/> reads them (<c>stop-copy,p2p,pre-copy</c>).</summary>
    /// <param name="features">The features.</param>
    /// <returns>The list; <c>none</c> for no feature.</returns>
    public static string FormatFeatures(VfioMigrationFeatures features)
    {
        var parts = new List<string>(3);
        if ((features & VfioMigrationFeatures.StopCopy) != 0)
        {
            parts.Add("stop-copy");
        }

        if ((features & VfioMigrationFeatures.P2P) != 0)
        {
            parts.Add("p2p");
        }

        if ((features & VfioMigrationFeatures.PreCopy) != 0)
        {
            parts.Add("pre-copy");
        }

        VfioMigrationFeatures unknown = features & ~VfioMigrationFeatures.All;
        if (unknown != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"0x{(int)unknown:x}"));
        }

        return parts.Count == 0 ? "none" : string.Join(',', parts);
    }
}
