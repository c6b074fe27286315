using System;
using FsCheck;
using FsCheck.Fluent;
using MigrationFormat.Visitors;

namespace MigrationFormat.Testing;

/// <summary>
/// FsCheck properties for a user's own test suite: <c>[Property] public Property Uart() =&gt;
/// CrossVersionProperties.EveryVersionPair(Uart.DeviceType);</c> runs <see cref="CrossVersionCheck.AllPairs"/>
/// on as many random states as FsCheck asks for.
/// </summary>
public static class CrossVersionProperties
{
    /// <summary>The property that every pair of <paramref name="type"/>'s versions follows the cross-version rules, for random states.</summary>
    /// <param name="type">The device type.</param>
    /// <returns>The property; its label lists every violated rule.</returns>
    public static Property EveryVersionPair(DeviceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            CrossVersionResult result = CrossVersionCheck.AllPairs(type, seed);
            return result.Passed.Label(result.ToString());
        });
    }
}
