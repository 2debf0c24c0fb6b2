// Reading a chosen or dropped pack folder in the browser into ListedFiles (path + text).
import type { ListedFile } from './packs.ts';

/** The files of an <input type=file webkitdirectory> (paths relative to the chosen folder's parent). */
export async function listInputFiles(files: FileList | readonly File[]): Promise<ListedFile[]> {
  return Promise.all([...files].map(async (f) => ({ path: f.webkitRelativePath || f.name, text: await f.text() })));
}

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/** A directory's entries: readEntries answers in batches until an empty one. */
async function entriesOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/** The files of a drop: folders walked (their paths kept), plain files by name. */
export async function listDroppedFiles(data: DataTransfer): Promise<ListedFile[]> {
  const out: ListedFile[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (entry.isFile) {
      const file = await fileOf(entry as FileSystemFileEntry);
      out.push({ path: entry.fullPath.replace(/^\//, ''), text: await file.text() });
    } else if (entry.isDirectory) {
      for (const child of await entriesOf(entry as FileSystemDirectoryEntry)) await walk(child);
    }
  };
  const entries = [...data.items]
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return listInputFiles([...data.files]);
  for (const entry of entries) await walk(entry);
  return out;
}
