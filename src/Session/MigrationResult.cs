using System;
using System.Collections.Generic;

namespace MigrationFormat.Session;

/// <summary>What one device did in a completed migration.</summary>
/// <param name="Name">The device, <c>id#instance</c>.</param>
/// <param name="Version">The version its state was saved as.</param>
/// <param name="Iterative">Whether it sent pre-copy data.</param>
/// <param name="SwitchoverAck">Whether the switchover waited for its acknowledgement.</param>
/// <param name="DataBytes">The bytes of its data stream (iterative devices).</param>
/// <param name="SectionBytes">The bytes of its section.</param>
public sealed record DeviceMigration(string Name, int Version, bool Iterative, bool SwitchoverAck, long DataBytes, long SectionBytes);

/// <summary>What a completed migration did.</summary>
/// <param name="Capabilities">The capabilities in force.</param>
/// <param name="Devices">Each device, in offer order.</param>
/// <param name="Rounds">The pre-copy rounds run.</param>
/// <param name="BytesSent">The bytes this side sent.</param>
/// <param name="BytesReceived">The bytes this side received.</param>
/// <param name="Elapsed">The time from the first byte to completion.</param>
public sealed record MigrationResult(
    IReadOnlyList<string> Capabilities,
    IReadOnlyList<DeviceMigration> Devices,
    int Rounds,
    long BytesSent,
    long BytesReceived,
    TimeSpan Elapsed);
