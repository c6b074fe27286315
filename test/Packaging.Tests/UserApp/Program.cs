using System;
using System.Collections.Generic;
using System.IO;
using DeviceApp;
using MigrationFormat.Schema;
using MigrationFormat.Visitors;

// Saves a fan controller's state (with its schema) to a.mig, the same device with another speed to b.mig, then loads
// a.mig into version 1 and version 2 of the device and prints what each holds and what it skipped.
string folder = args[0];
string first = Path.Combine(folder, "a.mig");
var fan = new FanController { Duty = 75, Rpm = 2400, BoostSeconds = 31 };
using (FileStream output = File.Create(first))
{
    MigrationSerializer.Save(output, [fan]);
}

fan.Rpm = 2500;
File.WriteAllBytes(Path.Combine(folder, "b.mig"), MigrationSerializer.Save([fan]));

foreach (int version in new[] { 1, 2 })
{
    var destination = new FanController(version);
    using FileStream input = File.OpenRead(first);
    IReadOnlyList<SectionLoadResult> results = MigrationSerializer.Load(input, [destination]);
    IReadOnlyList<string> skipped = results[0].Report?.SkippedFields ?? [];
    Console.WriteLine(
        $"v{version}: duty={destination.Duty} rpm={destination.Rpm} boost={destination.BoostSeconds} skipped=[{string.Join(",", skipped)}]");
}
