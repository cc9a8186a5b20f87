// A Worker whose global scope takes 1.5 s: over the 1 s start-up limit.
await new Promise((resolve) => setTimeout(resolve, 1500));
export default { fetch: () => new Response('late') };
