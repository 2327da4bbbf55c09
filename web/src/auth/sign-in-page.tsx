import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { errorFor } from '../ui/errors';
import { useSignIn } from './session';

export function SignInPage() {
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const error = errorFor(signIn.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    signIn.mutate({ email: email.trim(), password });
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={380} component="main">
        <form onSubmit={submit} aria-labelledby="sign-in-title" noValidate>
          <Stack>
            <Title order={1} size="h2" id="sign-in-title">
              Sign in to Tandem
            </Title>
            {error && !error.hasFields && (
              <Alert color="red" role="alert" title="Could not sign in">
                {error.message}
              </Alert>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={error?.field('email')}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={error?.field('password')}
              aria-invalid={error?.field('password') ? true : undefined}
            />
            <Button type="submit" loading={signIn.isPending}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
