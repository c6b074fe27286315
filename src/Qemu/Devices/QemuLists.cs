using System.Collections.Generic;

namespace MigrationFormat.Qemu.Devices;

/// <summary>Resizing of the lists the device models visit.</summary>
internal static class QemuLists
{
    /// <summary>
    /// Brings <paramref name="list"/> to <paramref name="count"/> elements, dropping the last ones or appending new ones:
    /// elements that were there keep their identity, so a rolled-back load that grew the list restores them untouched.
    /// </summary>
    public static void Resize<T>(List<T> list, int count)
        where T : new()
    {
        if (list.Count > count)
        {
            list.RemoveRange(count, list.Count - count);
        }

        while (list.Count < count)
        {
            list.Add(new T());
        }
    }
}
