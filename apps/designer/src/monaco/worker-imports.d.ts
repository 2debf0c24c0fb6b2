// Vite's `?worker` imports (a Worker constructor), without pulling all of vite/client's types in.
declare module '*?worker' {
  const WorkerConstructor: new (options?: { name?: string }) => Worker;
  export default WorkerConstructor;
}
