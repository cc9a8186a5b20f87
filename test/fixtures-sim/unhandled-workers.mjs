export default {
  async fetch() {
    Promise.reject(new Error('rejected on purpose'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return new Response('{"ok":true}');
  },
};
